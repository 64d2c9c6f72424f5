// Peer converter for benchmarks/run.py: citation-js parses the input and writes the output.
// usage: node citationjs_driver.js FROM TO INPUT OUTPUT
//   FROM: bibtex | ris        TO: csl-json | ris
// Prints one JSON line: {"seconds": parse+write time, "records": items written, "load_seconds": module load}.
'use strict'
const t0 = process.hrtime.bigint()
const fs = require('fs')
const { Cite, plugins } = require('@citation-js/core')
require('@citation-js/plugin-bibtex')
require('@citation-js/plugin-csl')
require('@citation-js/plugin-ris')
const t1 = process.hrtime.bigint()

const [from, to, input, output] = process.argv.slice(2)
const inputType = { bibtex: '@biblatex/text', ris: '@ris/file' }[from]
if (!inputType || !['csl-json', 'ris'].includes(to) || !output) {
  console.error('usage: node citationjs_driver.js bibtex|ris csl-json|ris INPUT OUTPUT')
  process.exit(2)
}
// citation-js warns on stderr for every field it does not know; keep the timing about conversion
plugins.config.get('@bibtex').parse.strict = false
const text = fs.readFileSync(input, 'utf8')
const cite = new Cite(text, { forceType: inputType })
let out
if (to === 'csl-json') {
  // format('data') is citation-js's CSL-JSON output (cite.data also holds its internal _graph)
  out = cite.format('data')
} else {
  out = cite.format('ris')
}
fs.writeFileSync(output, out)
const t2 = process.hrtime.bigint()
console.log(JSON.stringify({
  seconds: Number(t2 - t1) / 1e9,
  load_seconds: Number(t1 - t0) / 1e9,
  records: cite.data.length,
}))
