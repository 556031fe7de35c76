/* github.c - what `conform run` adds when it runs in GitHub Actions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"

void cf_cli_github(const cf_run_result *r, FILE *out)
{
    const char *on = getenv("GITHUB_ACTIONS");
    if (!on || strcmp(on, "true") != 0)
        return;
    cf_buf b;
    cf_buf_init(&b, CF_REPORT_MAX);
    if (cf_report_github_annotations_in(r, getenv("GITHUB_WORKSPACE"), &b) == CF_OK)
        fputs(cf_buf_str(&b), out);
    else
        fputs("conform run: cannot build the GitHub annotations (out of memory)\n", stderr);
    cf_buf_free(&b);
    /* The step summary is a file every step appends to: append, never replace. */
    const char *path = getenv("GITHUB_STEP_SUMMARY");
    if (!path || !*path)
        return;
    cf_buf_init(&b, CF_REPORT_MAX);
    FILE *f = NULL;
    if (cf_report_github_summary(r, &b) != CF_OK || !(f = fopen(path, "a")) ||
        fwrite(cf_buf_str(&b), 1, b.len, f) != b.len)
        fprintf(stderr, "conform run: cannot append the step summary to %s\n", path);
    if (f && fclose(f) != 0)
        fprintf(stderr, "conform run: cannot append the step summary to %s\n", path);
    cf_buf_free(&b);
}
