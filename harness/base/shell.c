/* shell.c - words quoted for a POSIX shell, for command lines a person pastes. */
#include "base/shell.h"

cf_rc cf_shell_quote(cf_buf *out, const char *s, size_t len)
{
    cf_rc rc = cf_buf_addc(out, '\'');
    for (size_t i = 0; rc == CF_OK && i < len; i++)
        rc = s[i] == '\'' ? cf_buf_adds(out, "'\\''") : cf_buf_addc(out, s[i]);
    return rc == CF_OK ? cf_buf_addc(out, '\'') : rc;
}
