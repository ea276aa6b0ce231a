// Builds static/dist from static/src: our Sass compiled with GOV.UK Frontend (compressed, no
// source map), GOV.UK Frontend's JavaScript without its source-map comment (we don't ship
// maps), and our own JavaScript. Run it with `npm run build`; scripts/setup runs it when the
// sources change.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "static", "src");
const dist = join(root, "static", "dist");
const nodeModules = join(root, "node_modules");

mkdirSync(dist, { recursive: true });

const { css } = sass.compile(join(src, "app.scss"), {
  loadPaths: [nodeModules],
  style: "compressed",
  sourceMap: false,
  quietDeps: true, // GOV.UK Frontend's own deprecation warnings are theirs to fix
});
writeFileSync(join(dist, "app.css"), css + "\n");

const govukJs = readFileSync(join(nodeModules, "govuk-frontend", "dist", "govuk", "govuk-frontend.min.js"), "utf8");
const withoutSourceMap = govukJs
  .split("\n")
  .filter((line) => !line.startsWith("//# sourceMappingURL="))
  .map((line) => line.replace(/\/\/# sourceMappingURL=.*$/, ""))
  .join("\n");
writeFileSync(join(dist, "govuk-frontend.min.js"), withoutSourceMap);

// Our script imports GOV.UK Frontend's by its version (the first 12 hexadecimal digits of its
// SHA-256, as the pages name static files: app/static_files.py), so that a browser keeps it a year
// and never runs an old copy with a new app.js (found, a site checker's review: imported without
// one, it was kept an hour, so for an hour after an upgrade the old components met new markup).
const govukVersion = createHash("sha256").update(withoutSourceMap).digest("hex").slice(0, 12);
const appJs = readFileSync(join(src, "app.js"), "utf8");
const importPath = "'./govuk-frontend.min.js'";
if (appJs.split(importPath).length !== 2) {
  throw new Error(`static/src/app.js must import GOV.UK Frontend once, as ${importPath}`);
}
// Without its comment lines (a line of // alone: the script has no template literals, where such a
// line could be text), which were 40% of what a phone downloads (a slow connection's review:
// 13.9 KB compressed, 7.3 KB without them). The comments stay in static/src/app.js.
const withoutComments = appJs
  .split("\n")
  .filter((line) => !/^\s*\/\//.test(line))
  .join("\n");
if (withoutComments.includes("`")) {
  throw new Error("static/src/app.js has a template literal: the build's comment stripping must be looked at again");
}
writeFileSync(join(dist, "app.js"), withoutComments.replace(importPath, `'./govuk-frontend.min.js?v=${govukVersion}'`));

console.log("build-assets: built static/dist (app.css, govuk-frontend.min.js, app.js)");
