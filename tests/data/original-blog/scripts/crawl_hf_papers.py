# Stands in for the original crawler (scripts/crawl_hf_papers.py), which this excerpt leaves out.
