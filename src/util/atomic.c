/* Files that appear whole or not at all: written to a temporary file beside
 * the target, synced, then renamed over it (and the directory synced). */
#include "backprop.h"

#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct bp_atomic_file {
    FILE *stream;
    char *path;  /* the destination */
    char *temp;  /* the temporary file beside it */
};

static bp_status io_error(bp_error *err, const char *path, int errnum)
{
    return bp_error_set(err, BP_ERR_IO, "cannot write %s: %s", path, strerror(errnum ? errnum : EIO));
}

/* A new file "PATH.tmp-PID-N" in the destination's directory, so that the
 * final rename stays within one file system. */
static int create_temp(const char *path, char *temp, size_t size)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(temp, size, "%s.tmp-%ld-%d", path, (long)getpid(), attempt);
        int fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    return -1;
}

void bp_atomic_discard(bp_atomic_file *f)
{
    if (!f) return;
    if (f->stream) fclose(f->stream);
    unlink(f->temp);
    free(f->path);
    free(f->temp);
    free(f);
}

bp_status bp_atomic_open(bp_atomic_file **out, const char *path, FILE **stream, bp_error *err)
{
    *out = NULL;
    *stream = NULL;
    struct stat st;
    /* Renaming over a device or a directory would replace it, not write it. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return bp_error_set(err, BP_ERR_IO, "cannot write %s: not a regular file", path);
    bp_atomic_file *f = calloc(1, sizeof *f);
    size_t len = strlen(path);
    if (!f || !(f->path = bp_copy_text(path, len)) || !(f->temp = malloc(len + 48))) {
        if (f) free(f->path);
        free(f);
        return bp_error_nomem(err, "output file");
    }
    int fd = create_temp(path, f->temp, len + 48);
    if (fd < 0) {
        bp_status s = io_error(err, path, errno);
        free(f->path);
        free(f->temp);
        free(f);
        return s;
    }
    f->stream = fdopen(fd, "w");
    if (!f->stream) {
        bp_status s = io_error(err, path, errno);
        close(fd);
        bp_atomic_discard(f);
        return s;
    }
    *stream = f->stream;
    *out = f;
    return BP_OK;
}

/* The rename itself is durable only once the directory is synced; a
 * file system that cannot sync a directory still has the whole file. */
static void sync_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? bp_copy_text(path, slash == path ? 1 : (size_t)(slash - path)) : bp_copy_text(".", 1);
    if (!dir) return;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

bp_status bp_atomic_commit(bp_atomic_file *f, bp_error *err)
{
    int failed = 0, errnum = 0;
    if (fflush(f->stream) != 0 || ferror(f->stream)) failed = 1, errnum = errno;
    if (!failed && fsync(fileno(f->stream)) != 0) failed = 1, errnum = errno;
    if (fclose(f->stream) != 0 && !failed) failed = 1, errnum = errno;
    f->stream = NULL;
    if (!failed && rename(f->temp, f->path) != 0) failed = 1, errnum = errno;
    bp_status st = failed ? io_error(err, f->path, errnum) : BP_OK;
    if (!failed) sync_directory(f->path);
    bp_atomic_discard(f); /* the temporary name is gone after a rename */
    return st;
}
