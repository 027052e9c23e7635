// Compiles styles/app.scss (GOV.UK Frontend with the council's settings) to
// one CSS file: node build-css.mjs OUT.css. Run by the build (app/CMakeLists.txt).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const [out] = process.argv.slice(2);
if (!out) {
  console.error("usage: node build-css.mjs OUT.css");
  process.exit(2);
}
const result = sass.compile(join(here, "styles", "app.scss"), {
  importers: [new sass.NodePackageImporter(here)],
  style: "compressed",
  quietDeps: true,
});
writeFileSync(out, result.css);
