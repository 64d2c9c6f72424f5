#!/usr/bin/env bash
# Rewrites samples/expected/ from samples/arxiv-listing.txt. Review the diff by hand
# before committing: these files are the golden outputs the tests hold us to.
set -euo pipefail
cd "$(dirname "$0")"
in=arxiv-listing.txt
refconv convert "$in" -q --to bibtex   -o expected/arxiv-listing.bib
refconv convert "$in" -q --to biblatex -o expected/arxiv-listing.biblatex.bib
refconv convert "$in" -q --to ris      -o expected/arxiv-listing.ris
refconv convert "$in" -q --to csl-json -o expected/arxiv-listing.json
refconv convert "$in" -q --to jats     -o expected/arxiv-listing.xml
refconv convert "$in" -q --to jats --jats-mode articles -o expected/arxiv-listing.articles.xml
refconv convert "$in" -q --to refconv-json -o expected/arxiv-listing.ndjson
