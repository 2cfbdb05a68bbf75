import type { NextConfig } from 'next';

const config: NextConfig = {
  // This example sits inside the library's repository, whose own lockfile would otherwise make
  // Next.js take the repository for a monorepo root. A standalone app does not need this line.
  turbopack: { root: import.meta.dirname },
};

export default config;
