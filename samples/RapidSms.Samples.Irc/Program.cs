// The Irc sample host is written with the backend.
return 0;
