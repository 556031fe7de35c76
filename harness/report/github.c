/* github.c - GitHub Actions: an error annotation per failure group, and a step summary. */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#define SUMMARY_GROUPS 50u /* failure groups listed in the step summary */

/* Appends `s` escaped per GitHub's workflow-command rules: '%', CR and LF always, and in a
 * property value also ':' and ','. It is first made valid UTF-8 and terminal-safe, so nothing
 * in it can end the command line and start another. */
static cf_rc command_escape(cf_buf *out, const char *s, size_t max, int property)
{
    cf_buf clean;
    cf_buf_init(&clean, 4 * max + 64);
    cf_rc rc = cf_report_clean(&clean, s ? s : "", max, CF_CLEAN_TERMINAL);
    for (const char *p = cf_buf_str(&clean); rc == CF_OK && *p; p++) {
        switch (*p) {
        case '%':
            rc = cf_buf_adds(out, "%25");
            break;
        case '\r':
            rc = cf_buf_adds(out, "%0D");
            break;
        case '\n':
            rc = cf_buf_adds(out, "%0A");
            break;
        case ':':
            rc = property ? cf_buf_adds(out, "%3A") : cf_buf_addc(out, ':');
            break;
        case ',':
            rc = property ? cf_buf_adds(out, "%2C") : cf_buf_addc(out, ',');
            break;
        default:
            rc = cf_buf_addc(out, *p);
        }
    }
    cf_buf_free(&clean);
    return rc;
}

/* `path` relative to `workspace` when it lies inside it, else as it is. */
static const char *in_repository(const char *path, const char *workspace)
{
    size_t n = workspace ? strlen(workspace) : 0;
    while (n > 1 && workspace[n - 1] == '/')
        n--;
    if (!path || n == 0 || strncmp(path, workspace, n) != 0 || path[n] != '/')
        return path;
    return path + n + 1;
}

static cf_rc annotation(cf_buf *out, const cf_run_result *r, const cf_report_group *g,
                        const char *workspace)
{
    const cf_case_result *c = g->first;
    cf_buf title, msg;
    cf_buf_init(&title, CF_REPORT_FIELD_MAX);
    cf_buf_init(&msg, CF_REPORT_MAX);
    cf_rc rc = cf_buf_addf(&title, "%s (%s, %zu case%s)", g->check ? g->check->id : "failed",
                           g->operation, g->count, g->count == 1 ? "" : "s");
    if (rc == CF_OK)
        rc = cf_report_group_message(r, g, &msg);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "::error file=");
    if (rc == CF_OK)
        rc = command_escape(out, in_repository(c->spec_file, workspace), CF_REPORT_FIELD_MAX, 1);
    unsigned line = cf_report_case_line(c->spec_file, c->id);
    if (rc == CF_OK && line)
        rc = cf_buf_addf(out, ",line=%u", line);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, ",title=");
    if (rc == CF_OK)
        rc = command_escape(out, cf_buf_str(&title), CF_REPORT_MESSAGE_MAX, 1);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "::");
    if (rc == CF_OK)
        rc = command_escape(out, cf_buf_str(&msg), CF_REPORT_FIELD_MAX, 0);
    if (rc == CF_OK)
        rc = cf_buf_addc(out, '\n');
    cf_buf_free(&title);
    cf_buf_free(&msg);
    return rc;
}

cf_rc cf_report_github_annotations_in(const cf_run_result *r, const char *workspace, cf_buf *out)
{
    cf_report_groups groups;
    cf_rc rc = cf_report_groups_build(r, &groups);
    for (size_t i = 0; rc == CF_OK && i < groups.count; i++)
        rc = annotation(out, r, &groups.items[i], workspace);
    cf_report_groups_cleanup(&groups);
    return rc;
}

cf_rc cf_report_github_annotations(const cf_run_result *r, cf_buf *out)
{
    return cf_report_github_annotations_in(r, NULL, out);
}

/* A Markdown table cell: one line, HTML-escaped, Markdown punctuation backslash-escaped (a
 * '|' would end the cell, a '`' or '[' start code or a link). */
static cf_rc md(cf_buf *out, const char *s, size_t max)
{
    cf_buf clean;
    cf_buf_init(&clean, 8 * max + 64);
    cf_rc rc = cf_report_clean(&clean, s ? s : "", max,
                               CF_CLEAN_XML | CF_CLEAN_QUOTES | CF_CLEAN_ONE_LINE);
    for (const char *p = cf_buf_str(&clean); rc == CF_OK && *p; p++) {
        if (strchr("\\`*_[]|~!#", *p))
            rc = cf_buf_addc(out, '\\');
        if (rc == CF_OK)
            rc = cf_buf_addc(out, *p);
    }
    cf_buf_free(&clean);
    return rc;
}

static cf_rc summary_ops(cf_buf *out, const cf_run_result *r)
{
    cf_report_op *ops = NULL;
    size_t n = 0;
    cf_rc rc = cf_report_ops(r, &ops, &n);
    if (rc == CF_OK && n)
        rc =
            cf_buf_adds(out, "\n| operation | passed | failed | not run |\n|---|---:|---:|---:|\n");
    for (size_t i = 0; rc == CF_OK && i < n; i++) {
        rc = cf_buf_adds(out, "| ");
        if (rc == CF_OK)
            rc = md(out, ops[i].name, CF_REPORT_MESSAGE_MAX);
        if (rc == CF_OK)
            rc = cf_buf_addf(out, " | %zu | %zu | %zu |\n", ops[i].passed, ops[i].failed,
                             ops[i].not_run);
    }
    free(ops);
    return rc;
}

static cf_rc summary_group(cf_buf *out, const cf_run_result *r, const cf_report_group *g)
{
    const cf_check_result *k = g->check;
    cf_rc rc = cf_buf_adds(out, "| ");
    if (rc == CF_OK)
        rc = md(out, k ? k->id : "failed", CF_REPORT_MESSAGE_MAX);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, " | ");
    if (rc == CF_OK)
        rc = md(out, g->operation, CF_REPORT_MESSAGE_MAX);
    if (rc == CF_OK)
        rc = cf_buf_addf(out, " | %ld | ", g->exchange ? g->exchange->status : 0L);
    if (rc == CF_OK)
        rc = md(out, g->exchange ? g->exchange->error_code : "", CF_REPORT_MESSAGE_MAX);
    if (rc == CF_OK)
        rc = cf_buf_addf(out, " | %zu | ", g->count);
    if (rc == CF_OK)
        rc = md(out, r->cases[g->cases[0]].id, CF_REPORT_MESSAGE_MAX);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, " | ");
    if (rc == CF_OK)
        rc = md(out, k && k->expected ? k->expected : "", CF_REPORT_MESSAGE_MAX);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, " | ");
    if (rc == CF_OK)
        rc = md(out, k && k->actual ? k->actual : "", CF_REPORT_MESSAGE_MAX);
    return rc == CF_OK ? cf_buf_adds(out, " |\n") : rc;
}

cf_rc cf_report_github_summary(const cf_run_result *r, cf_buf *out)
{
    size_t failed = 0, not_run = 0;
    for (size_t i = 0; i < r->count; i++) {
        failed += r->cases[i].ran && !r->cases[i].passed;
        not_run += !r->cases[i].ran;
    }
    cf_report_groups groups;
    cf_rc rc = cf_report_groups_build(r, &groups);
    if (rc == CF_OK)
        rc = cf_buf_addf(out, "## conform: %s%zu of %zu cases failed\n\n",
                         failed ? "\xE2\x9D\x8C " : "\xE2\x9C\x85 ", failed, r->count);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "target ");
    if (rc == CF_OK)
        rc = md(out, r->target ? r->target : "(none)", CF_REPORT_MESSAGE_MAX);
    if (rc == CF_OK)
        rc = cf_buf_addf(out, " \xC2\xB7 %zu requests \xC2\xB7 %.0f ms \xC2\xB7 %zu not run",
                         r->requests, r->duration_ms, not_run);
    if (rc == CF_OK && r->coverage_count)
        rc = cf_buf_addf(out, " \xC2\xB7 spec coverage %.1f%%",
                         cf_report_coverage_percent(r, NULL, NULL));
    if (rc == CF_OK && r->unreachable)
        rc = cf_buf_adds(out, " \xC2\xB7 **target unreachable**");
    if (rc == CF_OK && r->incomplete)
        rc = cf_buf_adds(out, " \xC2\xB7 **incomplete**");
    if (rc == CF_OK)
        rc = cf_buf_addc(out, '\n');
    if (rc == CF_OK)
        rc = summary_ops(out, r);
    if (rc == CF_OK && groups.count)
        rc =
            cf_buf_addf(out,
                        "\n### Failures (%zu distinct)\n\n| check | operation | HTTP | code | "
                        "cases | example | expected | got |\n|---|---|---:|---|---:|---|---|---|\n",
                        groups.count);
    for (size_t i = 0; rc == CF_OK && i < groups.count && i < SUMMARY_GROUPS; i++)
        rc = summary_group(out, r, &groups.items[i]);
    if (rc == CF_OK && groups.count > SUMMARY_GROUPS)
        rc = cf_buf_addf(out, "\n%zu more in report.html\n", groups.count - SUMMARY_GROUPS);
    if (rc == CF_OK)
        rc = cf_buf_addc(out, '\n');
    cf_report_groups_cleanup(&groups);
    return rc;
}
