// The bundle's entry point: defining the elements is all it takes; index.html already holds <vigil-app>.
import './vigil-app.ts';
