"""codepercept.tokenit"""
