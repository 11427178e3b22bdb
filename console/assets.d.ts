// esbuild bundles the style sheet imported by main.tsx into the console's CSS asset.
declare module '*.css';
