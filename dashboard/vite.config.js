import { defineConfig } from 'vite';

// No @vitejs/plugin-react: esbuild's automatic JSX runtime is enough, and it installs with any npm here.
export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    // mvn packs the build into the jar (classpath dashboard/), served by the application at /.
    outDir: process.env.VIGIL_DASHBOARD_OUT || 'dist',
    emptyOutDir: true,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{js,jsx}'],
    // jsdom has no matchMedia (uPlot reads the pixel ratio through it when loaded) and no canvas: charts say so.
    setupFiles: ['./src/test-setup.js'],
    testTimeout: 30000,
  },
});
