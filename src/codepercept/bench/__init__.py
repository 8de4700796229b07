"""codepercept.bench"""
