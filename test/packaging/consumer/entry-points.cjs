// require() and import() of every entry point of every installed @wearhook package; prints
// {"<specifier>": {"require": [names], "import": [names]}}. The store contract suite needs vitest, which
// this project does not install, so it is expected to fail with that as the reason.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

async function main() {
  const results = {};
  for (const name of process.argv.slice(2)) {
    const pkg = JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8'));
    // A package with only a command (bin) has no entry points to load.
    for (const subpath of Object.keys(pkg.exports ?? {})) {
      if (subpath === './package.json') continue;
      const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
      const outcome = (load) => {
        try {
          const value = load();
          const names = (module) => Object.keys(module).sort();
          return value && typeof value.then === 'function' ? value.then(names, (e) => `error: ${e.code ?? ''} ${e.message}`) : names(value);
        } catch (e) {
          return `error: ${e.code ?? ''} ${e.message}`;
        }
      };
      results[specifier] = { require: outcome(() => require(specifier)), import: await outcome(() => import(specifier)) };
    }
  }
  console.log(JSON.stringify(results));
}
main();
