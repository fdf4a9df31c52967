// Measures client-side search libraries on the search page's papers (benchmarks/search.py
// runs it): node search_libraries.cjs LIBRARY PATH_TO_LIBRARY PAPERS.json QUERIES.json
// prints one JSON line: index build time, serialized index size, and per query its time
// (median of runs) and number of results. LIBRARY: minisearch, lunr (its default pipeline)
// or lunr-korean (lunr without its trimmer, stemmer and stop words, and a wildcard after
// each query word: what Hangul needs).
"use strict";
const fs = require("fs");
const zlib = require("zlib");

const [library, libraryArgument, papersPath, queriesPath] = process.argv.slice(2);
const libraryPath = require("path").resolve(libraryArgument);
const papers = JSON.parse(fs.readFileSync(papersPath, "utf8"));
const queries = JSON.parse(fs.readFileSync(queriesPath, "utf8"));
const FIELDS = ["title", "organization", "authors", "keywords", "summary"];
const BOOST = { title: 3, organization: 2, keywords: 2, authors: 1.5, summary: 1 };
const RUNS = 9;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// The page's own term processing (src/dailypapers/templates/search.js.j2).
const WITHOUT_SPACES = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
function terms(term) {
  term = term.normalize("NFKC").toLowerCase();
  if (!WITHOUT_SPACES.test(term)) return term;
  const chars = Array.from(term);
  if (chars.length < 2) return term;
  const pairs = [];
  for (let i = 0; i + 1 < chars.length; i++) pairs.push(chars[i] + chars[i + 1]);
  return pairs;
}

function miniSearch() {
  const loaded = require(libraryPath);
  // The browser file: the package is an ES module, so its UMD wrapper sets globalThis.MiniSearch.
  const MiniSearch = globalThis.MiniSearch || loaded.default || loaded;
  const index = new MiniSearch({
    idField: "n", fields: FIELDS, storeFields: [], processTerm: terms,
    searchOptions: { prefix: true, combineWith: "AND", boost: BOOST },
  });
  index.addAll(papers);
  return { index, search: (query) => index.search(query).length };
}

function lunrIndex(korean) {
  const lunr = require(libraryPath);
  const index = lunr(function () {
    this.ref("n");
    FIELDS.forEach((field) => this.field(field, { boost: BOOST[field] }));
    if (korean) {
      this.pipeline.reset();
      this.searchPipeline.reset();
    }
    papers.forEach((paper) => this.add(paper));
  });
  const search = (query) => {
    const words = query.split(/\s+/).filter(Boolean);
    const text = korean ? words.map((word) => `+${word.toLowerCase()}*`).join(" ") : words.map((w) => `+${w}`).join(" ");
    return index.search(text).length;
  };
  return { index, search };
}

function build() {
  if (library === "minisearch") return miniSearch();
  return lunrIndex(library === "lunr-korean");
}

const builds = [];
let made = null;
for (let run = 0; run < 5; run++) {
  const started = process.hrtime.bigint();
  made = build();
  builds.push(Number(process.hrtime.bigint() - started) / 1e6);
}
const serialized = JSON.stringify(made.index);
const result = {
  library,
  papers: papers.length,
  build_ms: median(builds),
  index_bytes: Buffer.byteLength(serialized),
  index_gzip_bytes: zlib.gzipSync(serialized, { level: 6 }).length,
  heap_mb: Math.round(process.memoryUsage().heapUsed / 1e6),
  queries: {},
};
for (const [name, query] of Object.entries(queries)) {
  const times = [];
  let found = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    found = made.search(query);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  result.queries[name] = { query, ms: Number(median(times).toFixed(2)), found };
}
console.log(JSON.stringify(result));
