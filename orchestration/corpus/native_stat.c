/*
 * The size, modification time and status change time of many files under one folder,
 * in one call.
 *
 * A run stats every raw file, since that is how a file rewritten in place is noticed.
 * Through os.stat that takes 3.5-5 us a file here, more than half of it in Python around
 * the system call (the path object, a stat_result of ten fields and three float times,
 * of which the run reads three): at a million files, seconds of a crawl whose new files
 * take a few. Here each file is one fstatat() against the root folder, about 2 us, with
 * the GIL released, and three ints come back.
 *
 * listing.sizes_and_times uses this module when setup.py built it, and os.stat when
 * not (no C compiler, or OGI_PURE_PYTHON=1); tests/test_native_stat.py holds the two
 * to the same answers and the same errors.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

PyDoc_STRVAR(sizes_and_times_doc,
"sizes_and_times(root, names) -> (sizes, mtimes_ns, ctimes_ns)\n\n"
"Each file's st_size, st_mtime_ns and st_ctime_ns, as os.stat(f'{root}/{name}') gives them\n"
"(following symbolic links), for the relative paths in the list ``names``. A file\n"
"that cannot be stat-ed raises the OSError os.stat would, with that path.");

static int
has_nul(PyObject *bytes)
{
    /* A path with a NUL byte would be cut short by the system call: os.stat refuses it. */
    if ((Py_ssize_t)strlen(PyBytes_AS_STRING(bytes)) == PyBytes_GET_SIZE(bytes))
        return 0;
    PyErr_SetString(PyExc_ValueError, "embedded null byte");
    return 1;
}

static PyObject *
raise_for(PyObject *root, PyObject *encoded_name, int error)
{
    /* os.stat's error for f"{root}/{name}": the same subclass (errno), message and path.
       The name is decoded back from our own bytes: the caller's list may have changed
       while the GIL was released. */
    PyObject *name = PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(encoded_name));
    if (name == NULL)
        return NULL;
    PyObject *path = PyUnicode_FromFormat("%U/%U", root, name);
    Py_DECREF(name);
    if (path != NULL) {
        errno = error;
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path);
        Py_DECREF(path);
    }
    return NULL;
}

static PyObject *
sizes_and_times(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *root, *names;
    if (!PyArg_ParseTuple(args, "UO!:sizes_and_times", &root, &PyList_Type, &names))
        return NULL;
    Py_ssize_t count = PyList_GET_SIZE(names);
    if (count == 0)  /* no file, no stat: not even of root */
        return Py_BuildValue("([][][])");
    PyObject *root_bytes = NULL, *encoded = NULL, *sizes = NULL, *mtimes = NULL, *ctimes = NULL, *result = NULL;
    long long *numbers = NULL;
    int folder = -1;

    /* The names as the file system's bytes (surrogateescape, as os.stat encodes them),
       made before the GIL is released. */
    root_bytes = PyUnicode_EncodeFSDefault(root);
    encoded = PyList_New(count);
    numbers = PyMem_Calloc(3 * (size_t)count + 1, sizeof(long long));
    if (root_bytes == NULL || encoded == NULL || numbers == NULL) {
        if (numbers == NULL)
            PyErr_NoMemory();
        goto done;
    }
    if (has_nul(root_bytes))
        goto done;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *name = PyList_GET_ITEM(names, i);
        if (!PyUnicode_Check(name)) {
            PyErr_Format(PyExc_TypeError, "names must be str, not %.200s", Py_TYPE(name)->tp_name);
            goto done;
        }
        PyObject *bytes = PyUnicode_EncodeFSDefault(name);
        if (bytes == NULL)
            goto done;
        PyList_SET_ITEM(encoded, i, bytes);
        if (has_nul(bytes))
            goto done;
    }

    Py_ssize_t failed = -1;
    int error = 0;
    Py_BEGIN_ALLOW_THREADS
    folder = open(PyBytes_AS_STRING(root_bytes), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder < 0)
        error = errno;
    for (Py_ssize_t i = 0; folder >= 0 && i < count; i++) {
        struct stat st;
        if (fstatat(folder, PyBytes_AS_STRING(PyList_GET_ITEM(encoded, i)), &st, 0) != 0) {
            failed = i;
            error = errno;
            break;
        }
        numbers[3 * i] = (long long)st.st_size;
        /* st_mtime_ns and st_ctime_ns as os.stat computes them: seconds * 10^9 + nanoseconds. */
        numbers[3 * i + 1] = (long long)st.st_mtim.tv_sec * 1000000000LL + (long long)st.st_mtim.tv_nsec;
        numbers[3 * i + 2] = (long long)st.st_ctim.tv_sec * 1000000000LL + (long long)st.st_ctim.tv_nsec;
    }
    if (folder >= 0)
        close(folder);
    Py_END_ALLOW_THREADS

    if (folder < 0) {  /* os.stat would fail on the first file, for the same reason */
        raise_for(root, PyList_GET_ITEM(encoded, 0), error);
        goto done;
    }
    if (failed >= 0) {
        raise_for(root, PyList_GET_ITEM(encoded, failed), error);
        goto done;
    }
    sizes = PyList_New(count);
    mtimes = PyList_New(count);
    ctimes = PyList_New(count);
    if (sizes == NULL || mtimes == NULL || ctimes == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *size = PyLong_FromLongLong(numbers[3 * i]);
        if (size == NULL)
            goto done;
        PyList_SET_ITEM(sizes, i, size);
        PyObject *mtime = PyLong_FromLongLong(numbers[3 * i + 1]);
        if (mtime == NULL)
            goto done;
        PyList_SET_ITEM(mtimes, i, mtime);
        PyObject *ctime = PyLong_FromLongLong(numbers[3 * i + 2]);
        if (ctime == NULL)
            goto done;
        PyList_SET_ITEM(ctimes, i, ctime);
    }
    result = PyTuple_Pack(3, sizes, mtimes, ctimes);

done:
    Py_XDECREF(root_bytes);
    Py_XDECREF(encoded);
    Py_XDECREF(sizes);
    Py_XDECREF(mtimes);
    Py_XDECREF(ctimes);
    PyMem_Free(numbers);
    return result;
}

static PyMethodDef methods[] = {
    {"sizes_and_times", sizes_and_times, METH_VARARGS, sizes_and_times_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef native_stat = {
    PyModuleDef_HEAD_INIT, "native_stat",
    "Many files' sizes, modification and status change times in one call (see the top of native_stat.c).",
    0, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit_native_stat(void)
{
    return PyModuleDef_Init(&native_stat);
}
