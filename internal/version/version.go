// Package version holds the version of Nuages, in a package of its own so
// that the nuages command prints it without linking the framework (and its
// database engine) into itself.
package version

// Version is the version of Nuages; nuages.Version is the same.
const Version = "0.1.0-dev"
