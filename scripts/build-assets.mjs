// Builds static/dist from static/src: our Sass compiled with GOV.UK Frontend (compressed, no
// source map), GOV.UK Frontend's JavaScript without its source-map comment (we don't ship
// maps), and our own JavaScript. Run it with `npm run build`; scripts/setup runs it when the
// sources change.
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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

copyFileSync(join(src, "app.js"), join(dist, "app.js"));

console.log("build-assets: built static/dist (app.css, govuk-frontend.min.js, app.js)");
