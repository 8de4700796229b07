"""codepercept.score"""
