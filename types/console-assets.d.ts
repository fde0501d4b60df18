// The operator console imports its style sheets; esbuild bundles them into console.css.
declare module '*.css';
