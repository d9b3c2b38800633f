"""Search relevance on a small judged set: the corpus, the judgements and nDCG@10."""
