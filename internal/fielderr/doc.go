// Package fielderr renders apimachinery field errors the one way the project
// prints them: "<field path>: <what is wrong>", one problem a line.
package fielderr
