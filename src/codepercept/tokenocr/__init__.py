"""codepercept.tokenocr"""
