// Browser stand-in for Node's `path` (POSIX): cdk8s calls path.join/basename while building file
// names it never writes in the console. Only what is reached is implemented.
function normalize(parts) {
  const out = [];
  for (const part of parts.join('/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop(); else out.push(part);
  }
  return out.join('/');
}
module.exports = {
  sep: '/',
  join: (...parts) => normalize(parts) || '.',
  resolve: (...parts) => '/' + normalize(parts),
  basename: (p, ext) => {
    const base = p.split('/').filter(Boolean).pop() || '';
    return ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
  },
  dirname: (p) => p.split('/').slice(0, -1).join('/') || '.',
  extname: (p) => { const m = /\.[^./]*$/.exec(p); return m ? m[0] : ''; },
  isAbsolute: (p) => p.startsWith('/'),
};
