// Starts GOV.UK Frontend's components (Exit this page, error summary, radios and so on).
// Loaded as an ES module from our own origin, so the Content Security Policy needs no
// 'unsafe-inline'. Browsers without module support get the plain HTML, which works.
import { initAll } from './govuk-frontend.min.js'

// GOV.UK Frontend starts its components only on a body marked as able to run them, which the
// page's inline script does (templates/layout.html, via govuk_frontend_jinja's template). The
// page nginx shows while the app is down (flask site offline-page) has no inline script (nginx's
// policy there allows none), so its components never started, and Exit this page's shortcut
// (Shift three times) did nothing (accessibility review). A browser running this module can run
// them, so the body is marked here too (on every other page it already is).
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

// The timeout warnings are sent inside <script type="text/template"> (templates/layout.html,
// templates/inbox/_base.html), so that text-only browsers, which show a closed <dialog> and
// every hidden element, do not show them: they are put into the page here, before anything
// looks for them.
document.querySelectorAll('script[type="text/template"][data-app-dialog]').forEach(function (template) {
  template.insertAdjacentHTML('afterend', template.textContent)
  template.remove()
})

initAll()

// A question revealed under an answer (GOV.UK Frontend's conditional reveal: "Why does the family
// not know yet?" under "Not yet", templates/requests/_page.html) is shown by GOV.UK Frontend's
// radios, which also mark the radio aria-expanded: ARIA does not allow that on a radio (axe:
// aria-allowed-attr, critical; alphagov/govuk-frontend issue 979). The reveal is kept and the
// attribute taken off whenever it is set (before the page is next drawn or read): the revealed
// question comes straight after its radio, so it is next to a screen reader either way.
function radiosWithoutExpanded (radios) {
  radios.querySelectorAll('input[type="radio"][aria-expanded]').forEach(function (radio) {
    radio.removeAttribute('aria-expanded')
  })
}
document.querySelectorAll('[data-module="govuk-radios"]').forEach(function (radios) {
  if (!radios.querySelector('input[type="radio"][aria-controls]')) return
  radiosWithoutExpanded(radios)
  new MutationObserver(function () { radiosWithoutExpanded(radios) })
    .observe(radios, { subtree: true, attributeFilter: ['aria-expanded'] })
})

// A form sent with no connection (a dropped signal in a car park): the browser would put its own
// error page where the page was, and Back then skipped the page, with what was typed on it (found,
// a slow connection's review: a long reflection lost). Nothing is sent: the page stays, with
// everything chosen and typed, and says so; selecting the button again, once online, sends it.
// (navigator.onLine is false only when the device has no connection at all.)
document.addEventListener('submit', function (event) {
  const form = event.target
  if (!(form instanceof HTMLFormElement) || navigator.onLine !== false || form.closest('dialog')) return
  // Sent again while still said to be offline, it goes: some browsers say so wrongly (behind
  // some VPNs), and must never be kept from sending a form (regression review).
  if (form.dataset.appHeldOffline) {
    delete form.dataset.appHeldOffline
    return
  }
  form.dataset.appHeldOffline = 'yes'
  event.preventDefault()
  let said = document.querySelector('[data-app-offline]')
  if (!said) {
    said = document.createElement('div')
    said.className = 'govuk-error-summary'
    said.dataset.appOffline = ''
    said.tabIndex = -1
    said.innerHTML = '<div role="alert"><h2 class="govuk-error-summary__title">You are offline</h2>' +
      '<div class="govuk-error-summary__body"><p class="govuk-body">Nothing has been sent. What you chose and ' +
      'typed is still on this page. Select the button again when you have a signal.</p></div></div>'
    const main = document.querySelector('main') || document.body
    main.insertBefore(said, main.firstChild)
  }
  said.focus()
  // The button pressed, to be pressed again once the signal is back.
  const submitter = event.submitter || form.querySelector('button:not([type]), button[type="submit"], input[type="submit"]')
  window.addEventListener('online', function () {
    // Found (screen reader review, WCAG 2.4.3): the message was taken away while it held the
    // focus, which fell to the page's start, with nothing said. The focus goes to the button
    // pressed, which is what to select again now.
    const hadFocus = said.contains(document.activeElement)
    said.remove()
    delete form.dataset.appHeldOffline
    if (hadFocus && submitter && submitter.isConnected) submitter.focus()
  }, { once: true })
})

// An error summary's link to a group of radios or checkboxes: GOV.UK Frontend focuses the first
// input and scrolls the group's legend into view. On a small or zoomed-in screen (400%) the
// legend can fill the window, leaving the focused input below it, out of sight (WCAG 2.4.11,
// accessibility review): then the input is scrolled just into view, as little as needed.
// Above the focused input, as much of its question as fits below "Exit this page" (which sticks to
// the window's top on a small screen): its legend or label, else its error message (found,
// accessibility review: at 400% zoom the input was in view, but the question and the error said of
// it were under the button or above the window: "Yes" alone showed, or an empty box).
document.addEventListener('click', function (event) {
  const link = event.target instanceof Element && event.target.closest('.govuk-error-summary__list a')
  if (!link) return
  setTimeout(function () {
    const focused = document.activeElement
    if (!focused || focused === document.body || !focused.getBoundingClientRect) return
    const group = focused.closest('.govuk-form-group')
    const fieldset = focused.closest('fieldset')
    const question = (fieldset && fieldset.querySelector('legend')) || (focused.labels && focused.labels[0])
    const said = group && group.querySelector('.govuk-error-message')
    const cover = stuckToTheTop()
    const room = window.innerHeight - cover
    const bottom = focused.getBoundingClientRect().bottom
    const above = [question, said].filter(function (part) {
      return part && bottom - part.getBoundingClientRect().top <= room
    })[0]
    if (above) window.scrollBy(0, above.getBoundingClientRect().top - cover)
    const box = focused.getBoundingClientRect()
    if (box.bottom > window.innerHeight) focused.scrollIntoView({ block: 'nearest' })
    else if (box.top < cover) window.scrollBy(0, box.top - cover)
    // Neither whole above it: the error's first line brought out from under "Exit this page", if at
    // least half the input stays in the window (found, accessibility review: at 400% zoom with text
    // spaced out, the first line of "Select yes if your ..." was under the button).
    if (!above && said) {
      const top = said.getBoundingClientRect().top
      const input = focused.getBoundingClientRect()
      if (top < cover && input.top + (cover - top) + input.height / 2 <= window.innerHeight) {
        window.scrollBy(0, top - cover)
      }
    }
  })
})

// How much of the window's top "Exit this page" covers where it sticks there (a small screen).
function stuckToTheTop () {
  const bar = document.querySelector('.govuk-exit-this-page')
  if (!bar) return 0
  const position = window.getComputedStyle(bar).position
  return position === 'sticky' || position === 'fixed' ? bar.getBoundingClientRect().height : 0
}

// "2 minutes", "1 minute 30 seconds", "45 seconds": to the second, never rounded up.
function inWords (ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000))
  const minutes = Math.floor(seconds / 60)
  const rest = seconds % 60
  const parts = []
  if (minutes) parts.push(minutes + (minutes === 1 ? ' minute' : ' minutes'))
  if (rest || !minutes) parts.push(rest + (rest === 1 ? ' second' : ' seconds'))
  return parts.join(' ')
}

// When to say the time left (seconds to go) in a warning opened with openMs to go: every half
// minute below that (which its description says when it opens), and at 10 seconds.
function announcementMarks (openMs) {
  const found = []
  for (let seconds = 30 * Math.floor((openMs / 1000 - 1) / 30); seconds >= 30; seconds -= 30) {
    found.push(seconds)
  }
  if (openMs > 10000) found.push(10)
  return found
}

// A warning's countdown: shown to the second (countdown), and said in its description and live
// region only at its marks (announcementMarks).
function countdownOf (dialog, openMs) {
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const described = dialog.querySelector('[data-timeout-left]')
  const announce = dialog.querySelector('[data-timeout-announce]')
  const marks = announcementMarks(openMs)
  function timeLeft (ms) {
    return dialog.dataset.timeLeft.replace('{time}', inWords(ms))
  }
  countdown.textContent = timeLeft(openMs)
  described.textContent = timeLeft(openMs)
  announce.textContent = ''
  return function show (left) {
    countdown.textContent = timeLeft(left)
    const seconds = Math.ceil(left / 1000)
    if (marks.length && seconds <= marks[0]) {
      while (marks.length && seconds <= marks[0]) marks.shift()
      described.textContent = timeLeft(left)
      announce.textContent = timeLeft(left)
    }
  }
}

// When the inbox's sign-in ends for good, as this page's clock counts (Infinity where there is
// no sign-in), and its warning (startSignInEndsWarning): the idle warning never opens over it,
// nor once the sign-in has ended (staying signed in is then not on offer).
const signIn = { endsAt: Infinity, warning: null, controller: null, signedOut: false }

// Whether a form on the page (not a warning's own) holds text typed and not yet sent.
// The text fields of the page's forms (not the warnings' own) with something typed in them
// since the page was shown.
// A date typed in several boxes (a month and a year) counts whole: one box changed gives back
// every box of it (found, regression review: the year changed alone came back without its month).
function typedFields () {
  const typed = ['text', 'search', 'email', 'url', 'tel', 'number']
  const changed = Array.prototype.filter.call(document.querySelectorAll('form textarea, form input'), function (field) {
    if (field.closest('dialog')) return false
    if (field.tagName === 'INPUT' && typed.indexOf(field.type) === -1) return false
    return field.name && field.value.trim() !== '' && field.value !== field.defaultValue
  })
  const fields = []
  changed.forEach(function (field) {
    const date = field.closest('.govuk-date-input')
    const parts = date ? date.querySelectorAll('input') : [field]
    Array.prototype.forEach.call(parts, function (part) {
      if (part.name && part.value.trim() !== '' && fields.indexOf(part) === -1) fields.push(part)
    })
  })
  return fields
}

function typedOnPage () {
  return typedFields().length > 0
}

// A new session's security token (signed in again): every form on the page, and the warnings,
// carry it from now on, so the page's forms save (theirs was the ended session's).
function useToken (token) {
  document.querySelectorAll('input[name="csrf_token"]').forEach(function (field) { field.value = token })
  document.querySelectorAll('[data-csrf-token]').forEach(function (element) { element.dataset.csrfToken = token })
}

// The timeout warning: shortly before the server ends an idle session, ask whether to keep
// it. On a journey's pages: keep the answers, or clear them now; on the inbox's, while a
// facilitator is signed in: stay signed in, or sign out (the dialog's words come from
// templates/layout.html). "Keep my answers" or "Stay signed in" tells the server (which pushes
// the expiry on); Escape means the same. Doing nothing ends the session: a POST of the page's
// CSRF token (a plain link to that page, from another site say, ends nothing), which leads to
// the "your answers were cleared" page, or for the inbox (from=inbox) to its sign-in page,
// which says why; or, on an inbox page with something typed and not sent, to nowhere: the page
// stays and the sign-in's warning signs in again there (signOutInPlace).
// Typing (or choosing) in a form on the page counts as activity, as a page load does: at most
// once a minute (or a quarter of a short limit) it tells the server, with the same keep-alive
// POST, and the timer starts again, so someone writing a long note is never timed out and loses
// nothing (facilitator review, finding 3). The server still ends a session nobody touches, and
// the warning says that anything typed and not yet saved goes with it.
// Screen readers hear the time left when it opens (in the dialog's description), then now and
// then in its live region, filled only while the dialog is shown: 1 minute 30 seconds, 1
// minute, 30 seconds and 10 seconds left. The countdown on screen changes every second.
function startTimeoutWarning (dialog) {
  const idleMs = Number(dialog.dataset.idleSeconds) * 1000
  const warnMs = Math.min(Number(dialog.dataset.warnSeconds) * 1000, idleMs)
  // Typing tells the server at most this often: a minute, or a quarter of the time before the
  // warning opens (a short limit, in a test say), so it is told before the warning opens.
  const typingMs = Math.min(60000, (idleMs - warnMs) / 4)
  let warnTimer, tickTimer, deadline, lastFocus, show
  let lastKept = Date.now()
  let ended = false // the session found ended by a keep: the page moves on once, never again
  const unreached = dialog.querySelector('[data-timeout-unreached]')

  // The page could not reach the service (no signal): said in the warning, shown and announced.
  function sayUnreached (words) {
    unreached.textContent = words
    unreached.hidden = false
    dialog.querySelector('[data-timeout-announce]').textContent = words
  }

  function tick () {
    const left = deadline - Date.now()
    if (left <= 0) {
      expire()
      return
    }
    show(left)
  }

  function hiddenField (form, name, value) {
    const field = document.createElement('input')
    field.type = 'hidden'
    field.name = name
    field.value = value
    form.appendChild(field)
  }

  function expire () {
    window.clearInterval(tickTimer)
    // No connection: the form below would put the browser's error page where this page is, with
    // what was typed on it (found, a slow connection's review). The page stays, the warning says
    // so, and the form goes once the connection is back (giving back what was typed, as below).
    if (navigator.onLine === false) {
      showDialog()
      sayUnreached(unreached.dataset.offlineExpired)
      window.addEventListener('online', expire, { once: true })
      return
    }
    // On the inbox, with something typed into a form on the page (a half-written note), the page
    // is not replaced by the sign-in page, which lost it (review): the session ends all the same
    // (the server is told, and answers in JSON), and the sign-in's warning says so and signs in
    // again there, with the password (signedOutInPlace).
    if (dialog.dataset.expiredFrom === 'inbox' && signIn.controller && typedOnPage()) {
      signOutInPlace()
      return
    }
    const form = document.createElement('form')
    form.method = 'post'
    form.action = dialog.dataset.expiredUrl
    hiddenField(form, 'csrf_token', dialog.dataset.csrfToken)
    if (dialog.dataset.expiredFrom) hiddenField(form, 'from', dialog.dataset.expiredFrom)
    // The inbox's page the time ran out on: signing in again goes back to it, as it does
    // without JavaScript (its next link), not to the list.
    if (dialog.dataset.expiredNext) hiddenField(form, 'next', dialog.dataset.expiredNext)
    // A journey's page with something typed into its form (a reflection half-written): the page
    // and what was typed go too, and the page that says the answers were cleared gives it back
    // to copy, as the form sent after the limit does without JavaScript (found: it was lost).
    if (!dialog.dataset.expiredFrom && typedOnPage()) {
      hiddenField(form, 'page', window.location.pathname)
      typedFields().forEach(function (field) { hiddenField(form, field.name, field.value) })
    }
    document.body.appendChild(form)
    form.submit()
  }

  // The session ends now, as the form expire() sends ends it (its token, from=inbox), but the
  // page stays: the answer carries the new session's token, for signing in again. Still signed in
  // (busy in another tab), the timer starts again. No answer (no network): the server's own limit
  // ends the session, and the warning's sign-in asks for a new token itself.
  function signOutInPlace () {
    const body = new FormData()
    body.append('csrf_token', dialog.dataset.csrfToken)
    body.append('from', 'inbox')
    fetch(dialog.dataset.expiredUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      body: body
    }).then(function (response) {
      return response.json()
    }).then(function (answer) {
      if (answer.signed_in) {
        keep()
        return
      }
      standDown()
      signIn.controller.signedOut(answer.csrf_token, 'idle')
    }).catch(function () {
      standDown()
      signIn.controller.signedOut(null, 'idle')
    })
  }

  function showDialog () {
    if (dialog.open) return
    lastFocus = document.activeElement
    dialog.showModal()
  }

  // The warning, counting down to ``until``.
  function showUntil (until) {
    deadline = until
    show = countdownOf(dialog, Math.max(0, until - Date.now()))
    showDialog()
    dialog.querySelector('#app-timeout-heading').focus()
    window.clearInterval(tickTimer)
    tickTimer = window.setInterval(tick, 1000)
  }

  function open () {
    if (Date.now() >= signIn.endsAt || (signIn.warning && signIn.warning.open) || signIn.signedOut) return
    unreached.hidden = true
    showUntil(Date.now() + warnMs)
  }

  function schedule () {
    window.clearTimeout(warnTimer)
    window.clearInterval(tickTimer)
    warnTimer = window.setTimeout(open, idleMs - warnMs)
  }

  // The server pushes the session's expiry on (CSRF-protected, like the page's forms).
  function keepAlive () {
    lastKept = Date.now()
    return fetch(dialog.dataset.keepAliveUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': dialog.dataset.csrfToken }
    }).then(function (response) {
      if (response.ok) told()
      return response
    })
  }

  // Found (a slow connection's review): "Keep my answers" pressed with no signal closed the warning
  // as if it had worked, and it opened again later counting time the server no longer gave; pressed
  // once the session had ended, it was refused (400) and closed without a word. Now a keep that
  // does not reach the service opens the warning again, counting down to when it was to end, and
  // says so; one refused because the session has ended goes on as the time running out does.
  function keep () {
    const ending = dialog.open ? deadline : null
    window.clearInterval(tickTimer)
    keepAlive().then(function (response) {
      // (Not on the inbox: its sign-in warning deals with a sign-in that has ended, and a refusal
      // there can come from another tab's new sign-in, where ending it here went round for ever:
      // regression review.)
      if (response.status === 400 && dialog.dataset.expiredFrom !== 'inbox' && !ended) {
        ended = true
        expire()
      } else if (!response.ok && response.status !== 400) notKept(ending)
      else if (response.ok) unreached.hidden = true
    }).catch(function () { notKept(ending) })
    if (dialog.open) dialog.close()
    if (lastFocus && lastFocus.focus) lastFocus.focus()
    schedule()
  }

  function notKept (ending) {
    if (ending === null) return // (not the warning's button: the server's limit decides, as before)
    window.clearTimeout(warnTimer)
    showUntil(ending)
    sayUnreached(unreached.dataset.notKept)
  }

  // Typing in a form: the timer starts again once the server has pushed the expiry on (not
  // before, so the page never counts on more time than the server gives).
  function typed (event) {
    if (dialog.open || Date.now() - lastKept < typingMs) return
    const field = event.target
    // (Not a warning's own field: the sign-in's password, typed once the session may have ended.)
    if (!(field instanceof Element) || !field.closest('form') || field.closest('dialog')) return
    keepAlive().then(function (response) {
      if (response.ok && !dialog.open) schedule()
    }).catch(function () {})
  }

  // The sign-in's own warning opens: this one stands down (closed, its timer stopped).
  function standDown () {
    window.clearTimeout(warnTimer)
    window.clearInterval(tickTimer)
    if (dialog.open) {
      dialog.close()
      if (lastFocus && lastFocus.focus) lastFocus.focus()
    }
  }

  // The sign-in's warning was closed by a button (activity): the timer starts again.
  function restart () {
    keepAlive().catch(function () {})
    schedule()
  }

  // Other tabs of this site in the browser share the session: a page opened or kept there pushed its
  // expiry on, so this tab's timer starts again, and its warning, if open, closes. Found (practitioner
  // review): a tab left idle said "Your answers will be cleared in 58 seconds" while another tab was in
  // use, and nothing was cleared. A message says only that (no answers, no address); nothing is kept.
  const tabs = typeof window.BroadcastChannel === 'function' ? new window.BroadcastChannel('space-to-think-tabs') : null
  function told () {
    if (tabs) tabs.postMessage('active')
  }
  if (tabs) {
    tabs.onmessage = function () {
      if (ended) return
      if (dialog.open) {
        dialog.close()
        window.clearInterval(tickTimer)
        unreached.hidden = true
        if (lastFocus && lastFocus.focus) lastFocus.focus()
      }
      schedule()
    }
  }

  dialog.querySelector('[data-timeout-continue]').addEventListener('click', keep)
  document.addEventListener('input', typed)
  dialog.addEventListener('cancel', function (event) {
    event.preventDefault()
    keep()
  })
  schedule()
  told()
  // Its warning open, or the session found ended: the page's own way on is under way.
  function busy () {
    return dialog.open || ended
  }
  // Shown again from the browser's back/forward cache (its timers stopped meanwhile): the server is
  // asked to keep the session, as any page of it does; if it has ended (the idle limit), the page
  // goes on as the time running out does (what was typed given back, folded away), else it stays,
  // with what was typed, and its timer starts again. Found (shared computer review): Back after the
  // limit brought check your answers back whole; and (regression review) reloading it instead lost
  // what was being typed on an ordinary Back from another site.
  function resumed () {
    if (ended) return
    window.clearTimeout(warnTimer)
    window.clearInterval(tickTimer)
    if (dialog.open) dialog.close()
    keepAlive().then(function (response) {
      if (response.status === 400 && !ended) {
        ended = true
        expire()
      } else schedule()
    }).catch(schedule)
  }
  return { standDown: standDown, restart: restart, busy: busy, resumed: resumed }
}

// The inbox's sign-in ends, however busy, some hours after signing in (app/inbox/service.py
// SIGN_IN_MAX_AGE; every page says when once it is near, without JavaScript too:
// templates/inbox/_base.html). Its warning opens a few minutes before (at once on a page loaded
// later than that) and asks for the password to stay signed in (WCAG 2.2.1): the form is sent
// from here, so the page stays as it is, with whatever is being typed, and the sign-in's new end
// (24 hours on) is counted down from again. "Go back to the page" (or Escape) closes it. When
// the time is up, it says the facilitator has been signed out, opening again if it was closed,
// and the password still carries on where they were (a form sent meanwhile asks for it too:
// app/inbox/views.py confirm_to_carry_on). Its focus and countdown work as the idle warning's
// do (and the idle warning stands down while it is open). The page's banner's "Stay signed in"
// opens it rather than leaving the page. A wrong password is said beside the field, as GOV.UK
// error messages are, and focus goes back to it (or, already there, it is said: showError).
function startSignInEndsWarning (dialog, idle) {
  const warnMs = Number(dialog.dataset.warnSeconds) * 1000
  const heading = dialog.querySelector('[data-sign-in-heading]')
  const text = dialog.querySelector('[data-sign-in-text]')
  const unsaved = dialog.querySelector('[data-sign-in-unsaved]')
  const form = dialog.querySelector('[data-sign-in-confirm]')
  const password = form.querySelector('input[name="password"]')
  const group = form.querySelector('[data-sign-in-password-group]')
  const error = form.querySelector('#' + password.id + '-error')
  const button = form.querySelector('[data-sign-in-confirm-button]')
  const announce = dialog.querySelector('[data-timeout-announce]')
  const confirmedStatus = document.querySelector('[data-sign-in-confirmed]')
  const words = {
    text: text.textContent,
    unsaved: unsaved.textContent,
    button: button.textContent
  }
  let tickTimer, openTimer, endTimer, announceTimer, lastFocus, show, endsAt
  let ended = false
  let sending = false
  // Signed out (the idle limit passed, say) with the page kept: the password signs in again, on the
  // sign-in page's own check (signedOut).
  let signedOutMode = false
  let titleShown = null // the page's own title, while signed out (hideThePage)
  signIn.warning = dialog

  // The sign-in ends secondsLeft from now: the warning opens warnMs before, and says so at the end.
  function countFrom (secondsLeft) {
    window.clearTimeout(openTimer)
    window.clearTimeout(endTimer)
    window.clearInterval(tickTimer)
    endsAt = Date.now() + secondsLeft * 1000
    signIn.endsAt = endsAt
    ended = false
    openTimer = window.setTimeout(open, Math.max(0, endsAt - warnMs - Date.now()))
    endTimer = window.setTimeout(end, Math.max(0, endsAt - Date.now()))
  }

  function open () {
    if (dialog.open) return
    if (idle) idle.standDown()
    // The last "signed in for another ..." is out of date once the warning opens again (review).
    if (confirmedStatus) confirmedStatus.textContent = ''
    lastFocus = document.activeElement
    if (!ended) {
      show = countdownOf(dialog, endsAt - Date.now())
      tickTimer = window.setInterval(function () { show(endsAt - Date.now()) }, 1000)
    }
    dialog.showModal()
    heading.focus()
  }

  function end () {
    if (signedOutMode) return
    ended = true
    window.clearInterval(tickTimer)
    heading.textContent = dialog.dataset.endedHeading
    text.textContent = dialog.dataset.endedText
    unsaved.textContent = dialog.dataset.endedUnsaved
    button.textContent = dialog.dataset.endedButton
    dialog.querySelector('[data-timeout-countdown]').textContent = ''
    dialog.querySelector('[data-timeout-left]').textContent = ''
    // Open, it is said in its live region; opened now, as it opens (its name and description).
    const said = dialog.open
      ? [dialog.dataset.endedHeading, dialog.dataset.endedText, dialog.dataset.endedUnsaved]
          .map((words) => (/[.!?]$/.test(words) ? words : words + '.')).join(' ') // (not "inbox.. Confirm")
      : ''
    open()
    dialog.querySelector('[data-timeout-announce]').textContent = said
  }

  // Signed out while the page was open: by the idle limit, with something typed on the page
  // ('idle'), or found as the password was sent (the warning left open past the idle limit). It
  // says so, and that what was typed is still on the page; its password now signs in again.
  function signedOut (token, why, reason, headingText) {
    signedOutMode = true
    signIn.signedOut = true
    hideThePage()
    ended = true
    window.clearTimeout(openTimer)
    window.clearTimeout(endTimer)
    window.clearInterval(tickTimer)
    if (token) useToken(token)
    heading.textContent = headingText || dialog.dataset.signedOutHeading
    text.textContent = why === 'idle'
      ? dialog.dataset.idleText
      : why === 'elsewhere' ? dialog.dataset.elsewhereText : reason || dialog.dataset.signedOutText
    unsaved.textContent = dialog.dataset.signedOutUnsaved
    button.textContent = dialog.dataset.signedOutButton
    dialog.querySelector('[data-timeout-countdown]').textContent = ''
    dialog.querySelector('[data-timeout-left]').textContent = ''
    const said = dialog.open
      ? [heading.textContent, text.textContent, unsaved.textContent].join('. ')
      : ''
    open()
    announce.textContent = said
  }

  // Signed out, the page stays for what was typed on it, but shows nothing else: neither behind
  // the warning nor once it is closed ("Go back to the page"), so a screen left unattended shows
  // no request (found, facilitator review: the whole request could be read after the sign-out).
  // What was typed shows where it was, with its label and its form's button, to copy or to save
  // once signed in again.
  function hideThePage () {
    typedFields().forEach(function (field) {
      (field.closest('.govuk-form-group') || field).classList.add('app-typed-kept')
      // and its form's button, which asks for the password and then saves it
      field.form.querySelectorAll('button:not([type="button"])').forEach(function (button) {
        button.classList.add('app-typed-kept')
      })
    })
    document.body.classList.add('app-signed-out')
    // Nor the tab's title, which names the request ("Request STT-...").
    if (!titleShown) titleShown = document.title
    // "You have been signed out – Space to Think – ...": the page's own part only is replaced.
    document.title = [dialog.dataset.signedOutHeading].concat(titleShown.split(' – ').slice(1)).join(' – ')
  }

  function showThePage () {
    document.body.classList.remove('app-signed-out')
    if (titleShown) document.title = titleShown
    titleShown = null
    document.querySelectorAll('.app-typed-kept').forEach(function (kept) { kept.classList.remove('app-typed-kept') })
  }

  // A password shown (GOV.UK's Show button) is hidden again as the warning closes unsent ("Go
  // back to the page", Escape), by the button itself so it says "Show" again: it stayed on
  // screen, in plain text, when the warning opened again, by itself at the end too (review).
  const toggle = form.querySelector('.govuk-js-password-input-toggle')
  function close () {
    window.clearInterval(tickTimer)
    if (toggle && password.type !== 'password') toggle.click()
    if (dialog.open) dialog.close()
    if (lastFocus && lastFocus.focus) lastFocus.focus()
  }

  function back () {
    close()
    if (idle && !ended) idle.restart()
  }

  // Moving the focus to the field says the error (its description). A password sent with Enter
  // leaves the focus in the field, where nothing moves, and the error went unsaid (accessibility
  // review, WCAG 3.3.1, 4.1.3): then it is said in the live region, emptied first, so the same
  // error a second time is said again.
  function showError (message) {
    const alreadyThere = document.activeElement === password
    error.querySelector('[data-sign-in-error]').textContent = message
    error.hidden = false
    group.classList.add('govuk-form-group--error')
    password.classList.add('govuk-input--error')
    password.setAttribute('aria-describedby', error.id)
    announce.textContent = ''
    window.clearTimeout(announceTimer)
    if (alreadyThere) {
      announceTimer = window.setTimeout(function () { announce.textContent = 'Error: ' + message }, 100)
    } else {
      password.focus()
    }
  }

  // The check could not be made (no network, say): what to select to try again, named as the
  // button is now ("Stay signed in", or "Continue" once the hours are up).
  function failedWords () {
    return dialog.dataset.failed.replace('{button}', button.textContent.trim())
  }

  function clearError () {
    error.hidden = true
    group.classList.remove('govuk-form-group--error')
    password.classList.remove('govuk-input--error')
    password.removeAttribute('aria-describedby')
  }

  // Confirmed: 12 new hours. The dialog's words are as they were, the banner (if the page has
  // one) says so instead of when the sign-in was to end, and the idle timer starts again.
  function confirmed (answer) {
    if (answer.csrf_token) useToken(answer.csrf_token)
    signedOutMode = false
    signIn.signedOut = false
    showThePage()
    password.value = ''
    clearError()
    heading.textContent = dialog.dataset.heading.replace('{time}', answer.at)
    text.textContent = words.text
    unsaved.textContent = words.unsaved
    button.textContent = words.button
    const banner = document.querySelector('[data-sign-in-ending]')
    if (banner) {
      const done = document.createElement('p')
      done.className = 'govuk-notification-banner__heading'
      done.textContent = answer.message
      // Its "Stay signed in" had the focus: it goes to what replaces it, not to nowhere
      // (accessibility review, WCAG 2.4.3: it fell to the page's body).
      const focusWasHere = lastFocus && banner.contains(lastFocus)
      if (focusWasHere) done.setAttribute('tabindex', '-1')
      banner.replaceChildren(done)
      if (focusWasHere) lastFocus = done
    }
    countFrom(Number(answer.seconds_left))
    close()
    if (idle) idle.restart()
    // Said as well as shown (the banner, where the page has one): the focus has gone back to
    // where it was, which says nothing of it (accessibility review, WCAG 4.1.3).
    confirmedStatus.textContent = ''
    window.setTimeout(function () { confirmedStatus.textContent = answer.message }, 100)
  }

  // The password, to confirm it (or, signed out, to sign in again: as the sign-in page's form,
  // its email the account's). Answered that the session was signed out meanwhile, with a new
  // token to sign in again (app/inbox/views.py signed_out_answer), it is sent once more, to sign
  // in: the password was checked by neither the first time.
  function send (again) {
    const body = new FormData(form)
    if (signedOutMode) body.set('email', body.get('username'))
    return fetch(signedOutMode ? dialog.dataset.signInUrl : form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      body: body
    }).then(function (response) {
      const json = (response.headers.get('Content-Type') || '').indexOf('application/json') === 0
      return (json ? response.json() : Promise.resolve({})).then(function (answer) {
        if (response.ok && answer.seconds_left !== undefined) {
          confirmed(answer)
        } else if (answer.sign_in && answer.csrf_token && !again) {
          if (!signedOutMode) signedOut(answer.csrf_token, 'meanwhile')
          else useToken(answer.csrf_token)
          return send(true)
        } else {
          showError(answer.error || failedWords())
        }
      })
    })
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault()
    if (sending) return
    if (!password.value) {
      showError('Enter your password')
      return
    }
    sending = true
    send(false).catch(function () {
      showError(failedWords())
    }).finally(function () {
      sending = false
    })
  })

  dialog.querySelector('[data-timeout-continue]').addEventListener('click', back)
  dialog.addEventListener('cancel', function (event) {
    event.preventDefault()
    back()
  })
  const stay = document.querySelector('[data-sign-in-stay]')
  if (stay) {
    stay.addEventListener('click', function (event) {
      event.preventDefault()
      open()
      password.focus()
    })
  }
  // Signed out, the warning closed: a form of the page sent now would be refused (its token was
  // the ended session's), on a page that gives what was typed back only to copy. The warning opens
  // again instead, to sign in first (Sign out still signs out).
  document.addEventListener('submit', function (event) {
    const sent = event.target
    if (!signedOutMode || sent === form || !(sent instanceof Element) || sent.querySelector('.app-sign-out')) return
    event.preventDefault()
    open()
    password.focus()
  }, true)
  countFrom(Number(dialog.dataset.secondsLeft))
  signIn.controller = { signedOut: signedOut }
  // Signed out in another tab or window (its Sign out): this page shows nothing more of the inbox
  // either, as when the idle limit passes, keeping only what was typed on it (found, browser
  // review: a request's details stayed on screen in the other tabs until their own idle limit).
  if (inboxTabs) {
    inboxTabs.addEventListener('message', function (event) {
      if (event.data !== SIGNED_OUT || signedOutMode) return
      // With something typed, the page stays for it; with nothing typed, it is opened again,
      // which gives the sign-in page (found, regression review: a tab with nothing typed was told
      // that what was typed is still on the page, and left blank once the dialog closed).
      if (typedOnPage()) signedOut(null, 'elsewhere')
      else window.location.replace(window.location.href)
    })
  }
  // Signed out by the server meanwhile: the account closed, or its password reset (found,
  // facilitator review: a request page open as its account was closed went on showing the
  // practitioner's details until its own idle limit). The page asks every minute, and when it is
  // shown again, without pushing any limit on; what was typed stays, as above.
  const stillSignedInUrl = dialog.dataset.stillSignedInUrl
  function askStillSignedIn () {
    // (Not once a limit of the page's own is reached, or its warning is open: its own way on says why.)
    if (signedOutMode || ended || dialog.open || document.hidden || (idle && idle.busy())) return
    fetch(stillSignedInUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null })
      .then(function (answer) {
        if (!answer || answer.signed_in !== false || signedOutMode) return
        if (typedOnPage()) signedOut(null, 'ended', answer.why, answer.heading)
        else window.location.replace(window.location.href)
      })
      .catch(function () {}) // (no signal: the page's own limits still apply)
  }
  if (stillSignedInUrl) {
    window.setInterval(askStillSignedIn, 60 * 1000)
    document.addEventListener('visibilitychange', askStillSignedIn)
  }
}

// The inbox's tabs and windows in this browser, told when one signs out (a BroadcastChannel:
// nothing is stored; a browser without one is not told, and each tab's own limits still apply).
// Told by a page shown with no one signed in to the inbox in this browser (the sign-in page, which
// signing out leads to; app.inbox.views tell_other_tabs), so only once the sign-out is done (found,
// regression review: told as the form was sent, the other tabs hid the inbox when the sign-out then
// failed, still signed in).
const SIGNED_OUT = 'signed-out'
const inboxTabs = typeof BroadcastChannel === 'function' ? new BroadcastChannel('space-to-think-inbox') : null
if (inboxTabs && document.querySelector('[data-signed-out-here]')) inboxTabs.postMessage(SIGNED_OUT)

// (A browser without modal dialogs gets neither warning: the pages say the limits.)
function canOpen (dialog) {
  return dialog && typeof dialog.showModal === 'function'
}

const timeoutDialog = document.getElementById('app-timeout-warning')
const signInEndsDialog = document.getElementById('app-sign-in-ends-warning')
const idleWarning = canOpen(timeoutDialog) ? startTimeoutWarning(timeoutDialog) : null
if (canOpen(signInEndsDialog)) startSignInEndsWarning(signInEndsDialog, idleWarning)

// A page with answers or a request on it (one that warns of the idle limit), shown again from the
// browser's back/forward cache: the server says whether its session is still there (``resumed``).
window.addEventListener('pageshow', function (event) {
  if (event.persisted && idleWarning) idleWarning.resumed()
})

// The submitted page while the request's PDF is being made (by the outbox worker, usually within
// a minute): ask the server now and then whether it is made, and when it is, put the download
// link where "being prepared" was and say so in the page's live region, so nobody has to select
// "Check again" (new-user review). Asks after 1 second, then every 3, for at most 2 minutes,
// then says in the live region that it is taking longer than usual (accessibility review: a
// screen reader user waiting for the link heard nothing when the script stopped asking); without
// JavaScript the "Check again" link does the same.
function awaitPdf (waiting) {
  const announce = document.querySelector('[data-pdf-announce]')
  const started = Date.now()
  // The page's heading, and the window's title that starts with it, say what the page says now:
  // "being made" stayed above the download link (or above "could not be made"), where the page
  // without JavaScript, loaded again, says it is ready (new-user review).
  function retitle (heading) {
    const h1 = document.querySelector('h1')
    if (!heading || !h1) return
    const old = h1.textContent.trim()
    if (document.title.startsWith(old)) document.title = heading + document.title.slice(old.length)
    h1.textContent = heading
  }
  // The download link where the server puts it once the PDF is made: first in the list of
  // copies (with the supervision record, in supervision), which is made if there is none. A
  // keyboard user on "Check again" is moved to the new link, not dropped to the page's start.
  function ready () {
    const link = document.createElement('a')
    link.className = 'govuk-link'
    // (No download attribute: the file comes as an attachment anyway, and with one, a page sent in its
    // place — the record gone after its time, a sign-in ended — was saved as a file named .html,
    // the page still saying the PDF was ready: found, supervision review.)
    link.href = waiting.dataset.pdfUrl
    link.textContent = waiting.dataset.readyText
    const item = document.createElement('li')
    item.dataset.pdf = 'made'
    item.append(link)
    let list = document.querySelector('[data-pdf-list]')
    if (!list) {
      list = document.createElement('ul')
      list.className = 'govuk-list app-screen-only'
      list.dataset.pdfList = ''
      waiting.after(list)
    }
    list.prepend(item)
    const hadFocus = waiting.contains(document.activeElement)
    if (waiting.dataset.readyLead) {
      // What the page made ready says before its link (what a PDF is): the "being made" text
      // that went held the page's only explanation of the acronym (new-user review).
      const lead = document.createElement('p')
      lead.className = 'govuk-body'
      lead.textContent = waiting.dataset.readyLead
      waiting.replaceWith(lead)
    } else {
      waiting.remove()
    }
    // Made after all: the page to print instead is no longer needed (as the server's page, made).
    const instead = document.querySelector('[data-pdf-instead]')
    if (instead) instead.remove()
    retitle(waiting.dataset.readyHeading)
    if (hadFocus) link.focus()
    if (announce) announce.textContent = waiting.dataset.readyAnnounce
  }
  // The worker could not make it (the supervision record, whose page gives data-failed-url):
  // say so, here and in the live region, with a link to ask again (the server's page says the same).
  // Then, as the server's page does, the page to print instead (found, operations review: with
  // JavaScript, a record that could not be made offered nothing to use meanwhile).
  function failed () {
    const link = document.createElement('a')
    link.className = 'govuk-link'
    link.href = waiting.dataset.failedUrl
    link.textContent = waiting.dataset.failedLink
    const hadFocus = waiting.contains(document.activeElement)
    waiting.textContent = waiting.dataset.failedText + ' '
    waiting.append(link, '.')
    waiting.removeAttribute('data-pdf')
    showInstead()
    retitle(waiting.dataset.failedHeading)
    if (hadFocus) link.focus()
    if (announce) announce.textContent = waiting.dataset.failedHeading + '.'
  }
  // The page to print instead, under the paragraph, as the server's page gives it.
  function showInstead () {
    if (waiting.dataset.insteadUrl) {
      const instead = document.createElement('p')
      instead.className = 'govuk-body'
      instead.setAttribute('data-pdf-instead', '')
      const print = document.createElement('a')
      print.className = 'govuk-link'
      print.href = waiting.dataset.insteadUrl
      print.textContent = waiting.dataset.insteadLink
      instead.append('If you need it now, print ', print,
        ' instead: it shows the outcome, who to contact and why (the answers and the guidance they rest on).')
      const old = document.querySelector('[data-pdf-instead]')
      if (old) old.remove()
      waiting.after(instead)
    }
  }
  // Taking longer than usual: said in the live region, and shown as the server's page shows it
  // (its words, and the page to print instead), not only said (accessibility review: the page
  // still read "usually takes less than a minute", with nothing to use meanwhile).
  let slowShown = false
  function slow () {
    if (slowShown) return
    slowShown = true
    if (announce && waiting.dataset.slowAnnounce) announce.textContent = waiting.dataset.slowAnnounce
    const first = waiting.firstChild
    if (waiting.dataset.slowText && first && first.nodeType === Node.TEXT_NODE) first.textContent = waiting.dataset.slowText + ' '
    if (!document.querySelector('[data-pdf-instead]')) showInstead()
  }
  // Ask again in 3 seconds; once 2 minutes have gone, say it is taking longer than usual, and go
  // on asking, less often, for 10 minutes in all (found, accessibility review: it stopped, and a
  // PDF made a minute later was never shown without "Check again").
  function later () {
    const waited = Date.now() - started
    if (waited >= 120000) slow()
    if (waited < 600000) window.setTimeout(ask, waited < 120000 ? 3000 : 15000)
  }
  function ask () {
    fetch(waiting.dataset.statusUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null })
      .then(function (status) {
        if (status && status.ready) ready()
        else if (status && status.failed && waiting.dataset.failedUrl) failed()
        else if (status) later()
      })
      .catch(later)
  }
  window.setTimeout(ask, 1000)
}

// What a facilitator typed in one form of a request's page is kept while they send another form
// of that page (found: a half-written note, or a session half-arranged, was lost when the status
// or the assignment was changed, and a note held back by the identifying-data check went when
// another form was sent). Kept in this tab only (sessionStorage: gone when the tab closes), given
// back once, with a sentence saying it is not saved yet; never the form that was sent (the server
// has it). Any inbox page signed out (the sign-in page, after signing out) forgets all of it, so
// a colleague signing in at the same screen never sees it. Without JavaScript nothing is kept.
const TYPED = 'stt-typed:'
const KEPT_FORMS = {
  note: { selector: 'form[data-note-form]', said: 'Your note has not been added yet: select Add note to add it.' },
  arrange: { selector: 'form[data-arrange-form]', said: 'The session has not been arranged yet: check what you entered, then send it.' },
  status: { selector: 'form[data-status-form]', said: 'The status has not been changed yet: check your choice, then send it.' }
}
function storage () {
  try {
    return window.sessionStorage || null
  } catch (error) {
    return null // storage turned off: nothing is kept, as without JavaScript
  }
}
function forgetTyped (kept) {
  for (let index = kept.length - 1; index >= 0; index--) {
    const key = kept.key(index)
    if (key && key.indexOf(TYPED) === 0) kept.removeItem(key)
  }
}
function typedIn (form) {
  const text = {}
  const chosen = {}
  let any = false
  form.querySelectorAll('textarea, input, select').forEach(function (field) {
    if (!field.name || field.disabled) return
    if (field.tagName === 'SELECT') {
      const chosen = field.options[field.selectedIndex]
      if (chosen && chosen.value) text[field.name] = chosen.value
      if (chosen && !chosen.defaultSelected) any = true
    } else if (field.type === 'radio') {
      if (field.checked) chosen[field.name] = field.value
      if (field.checked !== field.defaultChecked) any = true
    } else if (field.tagName === 'TEXTAREA' || field.type === 'text' || field.type === 'number') {
      if (field.value.trim()) {
        text[field.name] = field.value
        any = true
      }
    }
  })
  return any ? { text: text, chosen: chosen } : null
}
let keptSentences = 0
function giveBack (form, typed, said) {
  let changed = false
  const filled = [] // the fields given back their text: each is described by the sentence too
  Object.keys(typed.chosen || {}).forEach(function (name) {
    form.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      if (radio.name === name && radio.value === typed.chosen[name] && !radio.checked) {
        radio.click() // as the facilitator did: any follow-up question under it shows
        changed = true
      }
    })
  })
  Object.keys(typed.text || {}).forEach(function (name) {
    const field = form.elements.namedItem(name)
    if (field && field.tagName === 'SELECT') {
      // A list's choice (where a request was redirected to), if it still offers it.
      const offered = Array.prototype.some.call(field.options, function (option) { return option.value === typed.text[name] })
      if (offered && field.value !== typed.text[name]) {
        field.value = typed.text[name]
        changed = true
      }
    } else if (field && 'value' in field && !field.value) {
      field.value = typed.text[name]
      field.dispatchEvent(new Event('input', { bubbles: true })) // a character count
      changed = true
      filled.push(field)
    }
  })
  if (!changed) return
  const sentence = document.createElement('p')
  sentence.className = 'govuk-body govuk-!-font-weight-bold'
  sentence.setAttribute('data-typed-kept', '')
  sentence.id = 'typed-kept-' + (++keptSentences)
  sentence.textContent = said
  // Said when the field is reached too, not only seen under it (accessibility review, WCAG 1.3.1:
  // a note given back read as any note, with nothing to say it was not added).
  filled.forEach(function (field) {
    const described = (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
    field.setAttribute('aria-describedby', described.concat(sentence.id).join(' '))
  })
  const button = form.querySelector('.govuk-button')
  if (button) button.parentNode.insertBefore(sentence, button)
  else form.appendChild(sentence)
}
function keepTyped (kept) {
  const key = TYPED + window.location.pathname
  let earlier = null
  try {
    earlier = JSON.parse(kept.getItem(key) || 'null')
  } catch (error) {}
  kept.removeItem(key)
  const forms = {}
  Object.keys(KEPT_FORMS).forEach(function (name) {
    const form = document.querySelector(KEPT_FORMS[name].selector)
    if (form) forms[name] = form
  })
  Object.keys(forms).forEach(function (name) {
    if (earlier && earlier[name]) giveBack(forms[name], earlier[name], KEPT_FORMS[name].said)
  })
  document.addEventListener('submit', function (event) {
    const sent = event.target
    if (event.defaultPrevented) return
    // Only a form of this request's own (its status, assignment, note, session): not signing out.
    const action = new URL(sent.action, window.location.href).pathname
    if (action.indexOf(window.location.pathname + '/') !== 0) return
    const typed = {}
    let any = false
    Object.keys(forms).forEach(function (name) {
      if (forms[name] === sent) return
      const found = typedIn(forms[name])
      if (found) {
        typed[name] = found
        any = true
      }
    })
    try {
      if (any) kept.setItem(key, JSON.stringify(typed))
    } catch (error) {} // storage full: nothing kept
  })
}
const keptInTab = storage()
if (keptInTab) {
  if (!document.querySelector('.app-inbox-nav')) forgetTyped(keptInTab)
  else if (document.querySelector('[data-request-summary]')) keepTyped(keptInTab)
}

const waitingForPdf = document.querySelector('[data-pdf="waiting"][data-status-url]')
if (waitingForPdf && typeof window.fetch === 'function') awaitPdf(waitingForPdf)

// An error summary or a success banner takes the focus as the page loads, with or without
// JavaScript (its autofocus: templates/govuk_frontend_jinja/components/error-summary/macro.html
// and notification-banner/macro.html), so it comes with tabindex="-1". GOV.UK Frontend takes
// that away once the focus leaves it, when it added it itself: here too, so a click on its text
// does not outline the whole box again (diff review). If the focus has already moved on to
// something else by the time this script runs (a quick keyboard user, a slow device), it is
// taken away at once: the blur came before anything listened for it.
document.querySelectorAll('.govuk-error-summary[autofocus], .govuk-notification-banner[autofocus]').forEach(function (summary) {
  const focused = document.activeElement
  if (focused && focused !== summary && focused !== document.body) summary.removeAttribute('tabindex')
  else summary.addEventListener('blur', function () { summary.removeAttribute('tabindex') }, { once: true })
})

// A link to a question from another page ends with its input's id ("Change what I wrote" on the
// identifying-data warning: /request/reflection?change=1#reflection). The browser focuses the
// input, with or without JavaScript, but scrolls it to the top of the window, its label (the
// question) and hint out of sight above it. As GOV.UK Frontend does for an error summary's link:
// the label is scrolled into view, and the input too if the label and hint fill the window. For
// an answer in a group (radios, or the month of a month and year) the question is the group's
// legend, not the input's own label ("Within 2 weeks"): the legend is scrolled into view (found:
// "Change how soon" on check your answers showed the answers without their question).
function showLabelOfTarget () {
  let id
  try {
    id = decodeURIComponent(window.location.hash.slice(1))
  } catch (error) {
    return // a malformed address ("#%E0"): nothing to show
  }
  const input = id && document.getElementById(id)
  if (!input || !input.matches('input, textarea, select') || !input.labels || !input.labels.length) return
  const fieldset = input.closest('fieldset')
  const legend = fieldset && fieldset.querySelector('legend')
  const question = legend || input.labels[0]
  question.scrollIntoView()
  if (document.activeElement !== input) input.focus({ preventScroll: true })
  // The input itself wholly in view (found, regression review: at 400% zoom the answer chosen, a
  // Change link's target, was focused below the window's foot, with only its focus ring showing).
  const box = input.getBoundingClientRect()
  if (box.top < 0 || box.bottom > window.innerHeight) input.scrollIntoView({ block: 'nearest' })
}
if (window.location.hash) {
  if (document.readyState === 'complete') showLabelOfTarget()
  else window.addEventListener('load', function () { setTimeout(showLabelOfTarget) }, { once: true })
}

// On paper, when the page was printed, in UK time: found (printing review), no printed page said
// when it was true, and an outcome taken to a meeting a month later, or a printed inbox list, could
// not be placed (Safari, phones and most saved PDFs add no date; the page itself is made once and
// kept, so the time is the browser's, at printing). Written as the service writes times ("7:34pm",
// "midday").
function printedAt (now) {
  const zone = { timeZone: 'Europe/London' }
  const day = new Intl.DateTimeFormat('en-GB', { ...zone, day: 'numeric', month: 'long', year: 'numeric' }).format(now)
  const parts = {}
  new Intl.DateTimeFormat('en-GB', { ...zone, hour: 'numeric', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(now).forEach(function (part) { parts[part.type] = part.value })
  const hour = Number(parts.hour)
  const minute = parts.minute === '00' ? '' : ':' + parts.minute
  let time = (hour % 12 || 12) + minute + (hour < 12 ? 'am' : 'pm')
  if (!minute && hour === 12) time = 'midday'
  if (!minute && hour === 0) time = 'midnight'
  return 'Printed on ' + day + ' at ' + time + ' (UK time).'
}
const printedOn = document.querySelector('[data-printed-on]')
if (printedOn) {
  window.addEventListener('beforeprint', function () { printedOn.textContent = printedAt(new Date()) })
}
