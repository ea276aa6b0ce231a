// Starts GOV.UK Frontend's components (Exit this page, error summary, radios and so on).
// Loaded as an ES module from our own origin, so the Content Security Policy needs no
// 'unsafe-inline'. Browsers without module support get the plain HTML, which works.
import { initAll } from './govuk-frontend.min.js'

initAll()

// The timeout warning: shortly before the server clears idle answers, ask whether to keep
// them. "Keep my answers" tells the server (which pushes the expiry on); doing nothing
// lets the answers go and shows the "your answers were cleared" page. Escape means keep.
// The answers are cleared by a POST with the page's CSRF token: a plain link to that page
// (from another site, say) clears nothing.
function startTimeoutWarning (dialog) {
  const idleMs = Number(dialog.dataset.idleSeconds) * 1000
  const warnMs = Math.min(Number(dialog.dataset.warnSeconds) * 1000, idleMs)
  const countdown = dialog.querySelector('.app-timeout-dialog__countdown')
  const announce = dialog.querySelector('[data-timeout-announce]')
  let warnTimer, tickTimer, deadline, lastFocus

  function words (ms) {
    const seconds = Math.max(0, Math.ceil(ms / 1000))
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60)
      return minutes + (minutes === 1 ? ' minute' : ' minutes')
    }
    return seconds + (seconds === 1 ? ' second' : ' seconds')
  }

  function tick () {
    const left = deadline - Date.now()
    if (left <= 0) {
      clear()
      return
    }
    countdown.textContent = 'They will be cleared in ' + words(left) + '.'
    const seconds = Math.ceil(left / 1000)
    if (seconds % 30 === 0 || seconds === 10) {
      announce.textContent = 'Your answers will be cleared in ' + words(left) + '.'
    }
  }

  function clear () {
    window.clearInterval(tickTimer)
    const form = document.createElement('form')
    form.method = 'post'
    form.action = dialog.dataset.expiredUrl
    const token = document.createElement('input')
    token.type = 'hidden'
    token.name = 'csrf_token'
    token.value = dialog.dataset.csrfToken
    form.appendChild(token)
    document.body.appendChild(form)
    form.submit()
  }

  function open () {
    lastFocus = document.activeElement
    deadline = Date.now() + warnMs
    tick()
    dialog.showModal()
    dialog.querySelector('#app-timeout-heading').focus()
    tickTimer = window.setInterval(tick, 1000)
  }

  function schedule () {
    window.clearTimeout(warnTimer)
    window.clearInterval(tickTimer)
    warnTimer = window.setTimeout(open, idleMs - warnMs)
  }

  function keep () {
    window.clearInterval(tickTimer)
    fetch(dialog.dataset.keepAliveUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': dialog.dataset.csrfToken }
    }).catch(function () {})
    if (dialog.open) dialog.close()
    if (lastFocus && lastFocus.focus) lastFocus.focus()
    schedule()
  }

  dialog.querySelector('[data-timeout-continue]').addEventListener('click', keep)
  dialog.addEventListener('cancel', function (event) {
    event.preventDefault()
    keep()
  })
  schedule()
}

const timeoutDialog = document.getElementById('app-timeout-warning')
if (timeoutDialog && typeof timeoutDialog.showModal === 'function') {
  startTimeoutWarning(timeoutDialog)
}
