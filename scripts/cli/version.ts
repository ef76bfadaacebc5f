// The package version `genflows --version` prints. Kept here rather than read from package.json,
// which Deno running from source (or a copied script) may not have beside it; a test keeps the two equal.
export const GENFLOWS_VERSION = '0.1.0';
