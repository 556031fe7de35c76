/* console.c - a run as text for a person at a terminal or reading a CI log. */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#define CONSOLE_FIELD_MAX 4096u /* bytes of an expected/actual value shown */
#define CONSOLE_GROUP_IDS 20u   /* ids of the other cases of a failure group named */

typedef struct {
    const char *red, *green, *yellow, *bold, *dim, *reset;
} palette;

static const palette colors = {"\033[31m", "\033[32m", "\033[33m", "\033[1m", "\033[2m", "\033[0m"};
static const palette plain = {"", "", "", "", "", ""};

/* Prints s made terminal-safe and cut to max bytes. Every line after the first starts with
 * `cont`; trailing newlines are dropped (the caller ends the line). */
static void put(FILE *out, const char *s, size_t max, const char *cont)
{
    cf_buf b;
    cf_buf_init(&b, 3 * max + 64); /* each replaced byte becomes 3 */
    if (cf_report_clean(&b, s ? s : "", max, CF_CLEAN_TERMINAL) != CF_OK) {
        cf_buf_free(&b);
        fputs("(not shown: out of memory)", out);
        return;
    }
    size_t len = b.len;
    const char *p = cf_buf_str(&b);
    while (len && p[len - 1] == '\n')
        len--;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && p[i] != '\n')
            continue;
        fwrite(p + start, 1, i - start, out);
        if (i < len) {
            fputc('\n', out);
            fputs(cont, out);
        }
        start = i + 1;
    }
    cf_buf_free(&b);
}

/* Prints text as lines each starting with prefix ("    > "); an empty line gets the prefix
 * without its trailing space. */
static void put_lines(FILE *out, const char *prefix, const char *text)
{
    cf_buf b;
    cf_buf_init(&b, 3 * CF_REPORT_FIELD_MAX + 64);
    if (cf_report_clean(&b, text ? text : "(none)", CF_REPORT_FIELD_MAX, CF_CLEAN_TERMINAL) !=
        CF_OK) {
        cf_buf_free(&b);
        fprintf(out, "%s(not shown: out of memory)\n", prefix);
        return;
    }
    size_t plen = strlen(prefix);
    while (plen && prefix[plen - 1] == ' ')
        plen--;
    const char *p = cf_buf_str(&b);
    size_t len = b.len;
    while (len && p[len - 1] == '\n')
        len--;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && p[i] != '\n')
            continue;
        if (i == start)
            fprintf(out, "%.*s\n", (int)plen, prefix);
        else
            fprintf(out, "%s%.*s\n", prefix, (int)(i - start), p + start);
        start = i + 1;
    }
    cf_buf_free(&b);
}

static int step_failed(const cf_case_result *c, const char *step)
{
    for (size_t i = 0; i < c->check_count; i++)
        if (!c->checks[i].passed && c->checks[i].step && step &&
            strcmp(c->checks[i].step, step) == 0)
            return 1;
    return 0;
}

static void print_exchange(FILE *out, const palette *k, const cf_exchange_record *e)
{
    fprintf(out, "  %sexchange", k->dim);
    if (e->step) {
        fputs(" [", out);
        put(out, e->step, CONSOLE_FIELD_MAX, "");
        fputc(']', out);
    }
    if (e->operation) {
        fputc(' ', out);
        put(out, e->operation, CONSOLE_FIELD_MAX, "");
    }
    fprintf(out, ": HTTP %ld in %.0f ms%s\n", e->status, e->elapsed_ms, k->reset);
    put_lines(out, "    > ", e->request);
    put_lines(out, "    < ", e->response);
    fputs("  replay: ", out);
    put(out, e->curl ? e->curl : "(none)", CF_REPORT_FIELD_MAX, "          ");
    fputc('\n', out);
}

static void print_failed(FILE *out, const palette *k, const cf_case_result *c)
{
    fprintf(out, "%s%sFAIL%s ", k->bold, k->red, k->reset);
    put(out, c->spec_file, CONSOLE_FIELD_MAX, "");
    fprintf(out, " %s", k->bold);
    put(out, c->id, CONSOLE_FIELD_MAX, "");
    fputs(k->reset, out);
    if (c->summary) {
        fputs(" \xE2\x80\x94 ", out); /* em dash */
        put(out, c->summary, CONSOLE_FIELD_MAX, "  ");
    }
    fputc('\n', out);
    for (size_t i = 0; i < c->check_count; i++) {
        const cf_check_result *ch = &c->checks[i];
        if (ch->passed)
            continue;
        fprintf(out, "  %s\xE2\x9C\x97%s %s", k->red, k->reset, k->bold); /* U+2717 */
        put(out, ch->id, CONSOLE_FIELD_MAX, "");
        fputs(k->reset, out);
        if (ch->step) {
            fputs(" [", out);
            put(out, ch->step, CONSOLE_FIELD_MAX, "");
            fputc(']', out);
        }
        fputs(": expected ", out);
        put(out, ch->expected ? ch->expected : "(nothing)", CONSOLE_FIELD_MAX, "      ");
        fputs(", got ", out);
        put(out, ch->actual ? ch->actual : "(nothing)", CONSOLE_FIELD_MAX, "      ");
        fputc('\n', out);
    }
    /* The exchanges a failed check names; all of them when none is named. */
    int any = 0;
    for (size_t i = 0; i < c->exchange_count && !any; i++)
        any = step_failed(c, c->exchanges[i].step);
    size_t shown = 0, hidden = 0;
    for (size_t i = 0; i < c->exchange_count; i++) {
        if (any && !step_failed(c, c->exchanges[i].step))
            continue;
        if (shown == CF_REPORT_CONSOLE_EXCHANGES) {
            hidden++;
            continue;
        }
        print_exchange(out, k, &c->exchanges[i]);
        shown++;
    }
    if (hidden)
        fprintf(out, "  (%zu more exchange%s in report.json)\n", hidden, hidden > 1 ? "s" : "");
    if (c->not_run) {
        fputs("  skipped: ", out);
        put(out, c->not_run, CONSOLE_FIELD_MAX, "           ");
        fputc('\n', out);
    }
    if (c->replay) {
        fputs("  rerun:  ", out);
        put(out, c->replay, CONSOLE_FIELD_MAX, "          ");
        fputc('\n', out);
    }
}

/* " same failure in N more cases: a, b, ..." under a group's case. */
static void print_others(FILE *out, const cf_run_result *r, const cf_report_group *g)
{
    if (g->count < 2)
        return;
    fprintf(out, "  same failure in %zu more case%s: ", g->count - 1, g->count > 2 ? "s" : "");
    for (size_t i = 1; i < g->count; i++) {
        if (i > CONSOLE_GROUP_IDS) {
            fprintf(out, ", ... (%zu more: --verbose or report.json)", g->count - i);
            break;
        }
        if (i > 1)
            fputs(", ", out);
        put(out, r->cases[g->cases[i]].id, CONSOLE_FIELD_MAX, "");
    }
    fputc('\n', out);
}

/* Cases passed / failed / not run per operation, as a table. */
static void print_operations(FILE *out, const palette *k, const cf_run_result *r)
{
    cf_report_op *ops = NULL;
    size_t n = 0;
    if (cf_report_ops(r, &ops, &n) != CF_OK || n == 0) {
        free(ops);
        return;
    }
    int width = 9;
    for (size_t i = 0; i < n; i++)
        if (strlen(ops[i].name) > (size_t)width)
            width = strlen(ops[i].name) > 60 ? 60 : (int)strlen(ops[i].name);
    fprintf(out, "%s%-*s  passed  failed  not run%s\n", k->bold, width, "operation", k->reset);
    for (size_t i = 0; i < n; i++) {
        cf_buf b;
        cf_buf_init(&b, 4 * CONSOLE_FIELD_MAX);
        if (cf_report_clean(&b, ops[i].name, (size_t)width,
                            CF_CLEAN_TERMINAL | CF_CLEAN_ONE_LINE) != CF_OK)
            cf_buf_free(&b);
        fprintf(out, "%-*s  %6zu  %s%6zu%s  %7zu\n", width, cf_buf_str(&b), ops[i].passed,
                ops[i].failed ? k->red : "", ops[i].failed, ops[i].failed ? k->reset : "",
                ops[i].not_run);
        cf_buf_free(&b);
    }
    free(ops);
}

void cf_report_console(const cf_run_result *r, FILE *out, int color, int verbose)
{
    const palette *k = color ? &colors : &plain;
    /* Cases a bounded run did not keep count too; their details are in the report files. */
    size_t passed = r->dropped_passed, failed = r->dropped_failed, not_run = r->dropped_not_run;
    size_t count = r->count + passed + failed + not_run;
    /* Without --verbose, one case per root cause; every failed case when grouping is off. */
    cf_report_groups groups = {0};
    int grouped = !verbose && cf_report_groups_build(r, &groups) == CF_OK;
    for (size_t i = 0; i < r->count; i++) {
        const cf_case_result *c = &r->cases[i];
        if (!c->ran) {
            not_run++;
            if (verbose) {
                fprintf(out, "%sSKIP%s ", k->yellow, k->reset);
                put(out, c->id, CONSOLE_FIELD_MAX, "");
                fputs(" (not run)\n", out);
            }
        } else if (c->passed) {
            passed++;
            if (verbose) {
                fprintf(out, "%sPASS%s ", k->green, k->reset);
                put(out, c->id, CONSOLE_FIELD_MAX, "");
                fputc('\n', out);
            }
        } else {
            failed++;
            if (!grouped) {
                print_failed(out, k, c);
                fputc('\n', out);
            }
        }
    }
    for (size_t g = 0; grouped && g < groups.count; g++) {
        print_failed(out, k, groups.items[g].first);
        print_others(out, r, &groups.items[g]);
        fputc('\n', out);
    }
    if (r->dropped_failed)
        fprintf(out, "(%zu more failed case%s not kept in memory: listed in report.json only)\n",
                r->dropped_failed, r->dropped_failed == 1 ? "" : "s");
    if (grouped && groups.count < failed)
        fprintf(out, "%zu failed case%s, %zu distinct failure%s (--verbose shows every case)\n\n",
                failed, failed == 1 ? "" : "s", groups.count, groups.count == 1 ? "" : "s");
    cf_report_groups_cleanup(&groups);
    print_operations(out, k, r);
    cf_report_coverage_console(r, out, verbose);
    double rate = r->duration_ms > 0 ? (double)r->requests * 1000.0 / r->duration_ms : 0.0;
    fprintf(out, "%s%zu case%s:%s %s%zu passed%s, %s%zu failed%s, %s%zu not run%s", k->bold, count,
            count == 1 ? "" : "s", k->reset, passed ? k->green : "", passed, passed ? k->reset : "",
            failed ? k->red : "", failed, failed ? k->reset : "", not_run ? k->yellow : "", not_run,
            not_run ? k->reset : "");
    fprintf(out, " \xC2\xB7 %zu request%s in %.0f ms (%.1f req/s)\n", r->requests,
            r->requests == 1 ? "" : "s", r->duration_ms, rate);
    if (r->incomplete)
        fprintf(out, "%s%sINCOMPLETE: the run stopped before every case ran%s\n", k->bold,
                k->yellow, k->reset);
    if (r->unreachable) {
        fprintf(out, "%s%sUNREACHABLE:%s ", k->bold, k->red, k->reset);
        put(out, r->unreachable_why ? r->unreachable_why : "the target did not answer",
            CONSOLE_FIELD_MAX, "  ");
        fputc('\n', out);
    }
}
