"""zhclaims: numeric claims out of Chinese news articles.

Stages, one module each, composed only in `pipeline.run`:
reader (bytes -> text), clean (boilerplate), convert (t2s), nlp (spaCy + jieba),
extract (quantities and their context as claims), score (against gold).
"""

__version__ = "0.1.0"
