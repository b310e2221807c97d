// Commit messages are Conventional Commits: releases and the changelog are computed from them.
const config = { extends: ["@commitlint/config-conventional"] };

export default config;
