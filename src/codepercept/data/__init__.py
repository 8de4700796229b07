"""codepercept.data"""
