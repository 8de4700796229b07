"""codepercept.models"""
