// Typeset HTML fragments as Anki's reviewer does, with MathJax 3 from the npm package mathjax-full, and report what
// it made of each: reads a JSON list of fragments on stdin, writes a JSON list of {formulas, html}.
// The configuration is Anki's (ts/mathjax/index.ts in ankitects/anki): every TeX package but textmacros, \[ \] for
// display math, \( \) (MathJax's default) inline, no escapes, environments or refs, and MathJax's default classes.
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {CHTML} = require('mathjax-full/js/output/chtml.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AllPackages} = require('mathjax-full/js/input/tex/AllPackages.js');

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);

const fragments = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const results = fragments.map((fragment) => {
  const page = mathjax.document(`<!DOCTYPE html><html><head></head><body>${fragment}</body></html>`, {
    InputJax: new TeX({
      packages: AllPackages.filter((name) => name !== 'textmacros'),
      displayMath: [['\\[', '\\]']],
      processEscapes: false,
      processEnvironments: false,
      processRefs: false,
    }),
    OutputJax: new CHTML({fontURL: 'fonts'}),
  });
  page.render();
  return {formulas: Array.from(page.math).length, html: adaptor.innerHTML(adaptor.body(page.document))};
});
process.stdout.write(JSON.stringify(results));
