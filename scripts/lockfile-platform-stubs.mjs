// node scripts/lockfile-platform-stubs.mjs [package-lock.json]
//
// Run after `npm install` changes the lockfile. The npm registry mirror this
// project is built against does not serve every platform build of packages
// with native binaries (@swc/core-darwin-arm64, @unrs/resolver-binding-win32-*,
// ...), so npm leaves them out of package-lock.json, and `npm ci` then refuses
// the lockfile as out of sync. This adds an entry for each missing optional
// platform package, with the os/cpu/libc that its name states, so npm ci
// accepts the lockfile and skips them on every other platform, as it would
// with full entries.
import { readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
const platformOf = (name) => {
  const n = name.split('/').pop();
  const os = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony', 'netbsd', 'openbsd', 'sunos', 'aix'].find((o) => n.includes(`-${o}-`));
  const cpu = ['arm64', 'x64', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'arm'].find((c) => new RegExp(`-${c}(-|$)`).test(n));
  const libc = /-musl/.test(n) ? 'musl' : os === 'linux' ? 'glibc' : undefined;
  return { os, cpu, libc };
};
let added = 0;
for (const [path, entry] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (pkgs[key]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os || !cpu) throw new Error(`cannot tell the platform of ${dep}`);
    pkgs[key] = { version, ...(cpu ? { cpu: [cpu] } : {}), ...(entry.dev ? { dev: true } : {}), ...(libc ? { libc: [libc] } : {}), optional: true, os: [os] };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
lock.packages = sorted;
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} entries`);
