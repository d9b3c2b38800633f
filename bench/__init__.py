"""Search benchmark: a synthetic archive (build_corpus) and the timings (search_bench)."""
