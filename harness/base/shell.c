/* shell.c - words quoted for a POSIX shell, for command lines a person pastes. */
#include "base/shell.h"

#include <string.h>

cf_rc cf_shell_quote(cf_buf *out, const char *s, size_t len)
{
    cf_rc rc = cf_buf_addc(out, '\'');
    /* Between single quotes every byte but the quote itself stands for itself: the runs
     * between quotes go in whole (every case's rerun line is quoted). */
    while (rc == CF_OK && len) {
        const char *quote = memchr(s, '\'', len);
        size_t run = quote ? (size_t)(quote - s) : len;
        rc = cf_buf_add(out, s, run);
        if (rc == CF_OK && quote)
            rc = cf_buf_adds(out, "'\\''");
        run += quote != NULL;
        s += run;
        len -= run;
    }
    return rc == CF_OK ? cf_buf_addc(out, '\'') : rc;
}
