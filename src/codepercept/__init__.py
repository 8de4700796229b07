"""codepercept: executable plotting code as the ground truth of STEM figures."""

__version__ = "0.1.0"
