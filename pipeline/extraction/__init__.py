"""Extraction: the spaCy pipeline (config.cfg: jieba tokenizer, entities, claims) and the quantity grammar."""
