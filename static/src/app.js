// Starts GOV.UK Frontend's components (Exit this page, error summary, radios and so on).
// Loaded as an ES module from our own origin, so the Content Security Policy needs no
// 'unsafe-inline'. Browsers without module support get the plain HTML, which works.
import { initAll } from './govuk-frontend.min.js'

initAll()
