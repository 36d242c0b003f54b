/*
 * Component tests (happy-dom) wait for what a person would see with Testing Library's findBy… and waitFor. Their
 * default patience is 1 s, which a loaded CI machine (unit tests beside the browser tests on 2 cores) can exceed
 * for an honest render: the form's validation once took 2.1 s there. Node-environment tests skip this.
 */
if (typeof document !== "undefined") {
  const { configure } = await import("@testing-library/react");
  configure({ asyncUtilTimeout: 10_000 });
}
export {};
