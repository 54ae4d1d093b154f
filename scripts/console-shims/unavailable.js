// Browser stand-in for Node modules (fs, os, child_process, http...) that cdk8s and its dependencies
// import but that the console never calls: it renders in memory (App.synth and Helm are not used).
// Any call fails loudly instead of doing something half-right.
module.exports = new Proxy({}, {
  get(_target, name) {
    if (name === '__esModule') return false;
    return function unavailable() {
      throw new Error(`${String(name)}() is not available in the istio-pack console (browser)`);
    };
  },
});
