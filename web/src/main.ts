// The bundle's entry point: defining the elements is all it takes; index.html already holds
// <vigil-app>. early-requests.ts comes first so that its calls start before the rest is evaluated.
import './early-requests.ts';
import './vigil-app.ts';
