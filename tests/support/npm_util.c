/* npm_util.c - copying package files, finding npm, running a program into the test log. */
#include "npm_util.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_child.h"

void cf_test_copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    cr_assert_not_null(in, "cannot read %s", from);
    FILE *out = fopen(to, "wb");
    cr_assert_not_null(out, "cannot write %s", to);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        cr_assert_eq(fwrite(buf, 1, n, out), n);
    fclose(in);
    cr_assert_eq(fclose(out), 0);
}

int cf_test_run(const char *prog, const char *const *args, unsigned timeout_ms)
{
    cf_child p;
    cf_child_spawn(&p, prog, NULL, NULL, args);
    cf_child_finish_within(&p, timeout_ms);
    const cf_buf *outs[2] = {&p.out, &p.err};
    for (int i = 0; i < 2; i++) {
        for (const char *line = outs[i]->ptr; line && *line;) {
            size_t len = strcspn(line, "\n");
            cr_log_info("%.*s", (int)len, line);
            fprintf(stderr, "  %.*s\n", (int)len, line);
            line += len + (line[len] == '\n');
        }
    }
    int status = p.status;
    cf_child_cleanup(&p);
    return status;
}

const char *cf_test_npm_path(void)
{
    static const char *const candidates[] = {"/usr/bin/npm", "/usr/local/bin/npm"};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
        if (access(candidates[i], X_OK) == 0)
            return candidates[i];
    return NULL;
}

/* npm install or ci, network included. */
#define NPM_MS 200000u

void cf_test_npm_prepare(const char *src, const char *dst, const char *const *files,
                         const char *installed, const char *verb)
{
    mkdir(dst, 0755);
    for (; *files; files++) {
        char from[1024], to[1024];
        snprintf(from, sizeof from, "%s/%s", src, *files);
        snprintf(to, sizeof to, "%s/%s", dst, *files);
        cf_test_copy_file(from, to);
    }
    struct stat st;
    if (stat(installed, &st) == 0)
        return;
    const char *npm = cf_test_npm_path();
    cr_assert_not_null(npm, "npm is needed to install %s", src);
    const char *args[] = {verb, "--no-audit", "--no-fund", "--prefix", dst, NULL};
    cr_assert_eq(cf_test_run(npm, args, NPM_MS), 0, "npm %s in %s failed (network?)", verb, dst);
}
