// The Email sample host is written with the backend.
return 0;
