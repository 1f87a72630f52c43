// The Kannel sample host is written with the backend.
return 0;
