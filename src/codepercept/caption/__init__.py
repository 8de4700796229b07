"""codepercept.caption"""
