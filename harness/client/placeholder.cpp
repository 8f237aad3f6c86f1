// placeholder.cpp: removed once harness/client has its first real source file.
