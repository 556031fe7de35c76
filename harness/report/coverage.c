/* coverage.c - spec coverage as figures: in report.json and on the console. */
#include "report/report.h"

#include <string.h>

#define CONSOLE_MISSING_MAX 8u /* items not exercised named per operation (verbose: all) */

static double percent(size_t hit, size_t total)
{
    return total ? 100.0 * (double)hit / (double)total : 100.0;
}

static size_t hits(const cf_op_coverage *op)
{
    size_t n = 0;
    for (size_t i = 0; i < op->count; i++)
        n += op->hit[i] != 0;
    return n;
}

double cf_report_op_coverage(const cf_op_coverage *op, size_t *hit)
{
    size_t h = hits(op);
    if (hit)
        *hit = h;
    return percent(h, op->count);
}

double cf_report_coverage_percent(const cf_run_result *r, size_t *hit, size_t *total)
{
    size_t h = 0, t = 0;
    for (size_t i = 0; i < r->coverage_count; i++) {
        h += hits(&r->coverage[i]);
        t += r->coverage[i].count;
    }
    if (hit)
        *hit = h;
    if (total)
        *total = t;
    return percent(h, t);
}

/* Prints one item made terminal-safe. */
static void put_item(FILE *out, const char *s)
{
    cf_buf b;
    cf_buf_init(&b, 4 * CF_REPORT_MESSAGE_MAX);
    if (cf_report_clean(&b, s, CF_REPORT_MESSAGE_MAX, CF_CLEAN_TERMINAL | CF_CLEAN_ONE_LINE) ==
        CF_OK)
        fputs(cf_buf_str(&b), out);
    cf_buf_free(&b);
}

void cf_report_coverage_console(const cf_run_result *r, FILE *out, int verbose)
{
    if (!r->coverage_count)
        return;
    size_t hit, total;
    double p = cf_report_coverage_percent(r, &hit, &total);
    fprintf(out, "spec coverage: %.1f%% (%zu of %zu contract items exercised)\n", p, hit, total);
    for (size_t i = 0; i < r->coverage_count; i++) {
        const cf_op_coverage *op = &r->coverage[i];
        size_t h = hits(op);
        fputs("  ", out);
        put_item(out, op->operation);
        const char *slash = strrchr(op->spec_file, '/');
        fputs(" (", out);
        put_item(out, slash ? slash + 1 : op->spec_file);
        fputc(')', out);
        fprintf(out, ": %.1f%% (%zu/%zu)", percent(h, op->count), h, op->count);
        size_t named = 0;
        for (size_t k = 0; k < op->count; k++) {
            if (op->hit[k])
                continue;
            if (!verbose && named == CONSOLE_MISSING_MAX) {
                fprintf(out, ", ... (%zu more: --verbose or report.json)", op->count - h - named);
                break;
            }
            fputs(named++ ? ", " : "; not exercised: ", out);
            put_item(out, op->items[k]);
        }
        fputc('\n', out);
    }
}
