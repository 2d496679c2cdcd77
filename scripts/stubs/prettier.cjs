// Stands in for prettier in the bundles: Eventscope runs json-schema-to-typescript with
// `format: false` and lays out its output itself, so prettier (3.5 MB) is never called.
exports.format = () => {
  throw new Error('prettier is not bundled with Eventscope');
};
