// Empty on purpose: lets Vitest import modules marked `server-only`.
export {};
