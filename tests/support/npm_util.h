/* npm_util.h - what tests that drive npm packages share: copying a package's files into the
 * build tree, finding npm, running a program with its output in the test log. */
#ifndef CF_TEST_NPM_UTIL_H
#define CF_TEST_NPM_UTIL_H

/* Copies a file; fails the test when it cannot. */
void cf_test_copy_file(const char *from, const char *to);
/* npm's path, or NULL when it is not installed. */
const char *cf_test_npm_path(void);
/* Runs `prog` with `args` to completion (killed past `timeout_ms`); its output goes to the test
 * log. Returns the exit status (128 + N when killed by signal N). */
int cf_test_run(const char *prog, const char *const *args, unsigned timeout_ms);

/* Makes `dst` an npm project once: copies each of `files` (NULL-terminated names) from `src`,
 * then, unless `installed` exists, runs `npm VERB --prefix dst` ("install" or "ci", network
 * included). Fails the test when npm is missing or fails. */
void cf_test_npm_prepare(const char *src, const char *dst, const char *const *files,
                         const char *installed, const char *verb);

#endif
