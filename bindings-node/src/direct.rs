//! Calls into JavaScript made on the JavaScript thread itself: a handler call that starts
//! while the event loop polls the engine's tasks (stdio and HTTP connections served on the
//! loop) runs the server's dispatch function at once, as a libuv callback that calls
//! JavaScript does (a handle scope, `napi_make_callback` with the thread's async context,
//! microtasks and `process.nextTick` run after it), instead of queueing it on the
//! thread-safe function, which would wake the loop through its async handle and run it in
//! a later turn: two system calls and a turn of the loop less per call. Anywhere else (the
//! engine's own threads, a call made while JavaScript itself runs a native method) the
//! thread-safe function is used.

use std::cell::Cell;
use std::ptr;
use std::thread::ThreadId;

use napi::bindgen_prelude::{FnArgs, Function, FunctionRef, JsValue, ToNapiValue};
use napi::{Env, sys};

/// The arguments of the dispatch function.
pub(crate) type DispatchArgs = FnArgs<(u32, String, u32)>;

/// The JS function handler calls and aborts go through: `(handlerId, payload, id) => void`,
/// `id` being the call's; handler id 0 means "abort call `id`", and `u32::MAX` "forget
/// handler `id`" (`payload` is then empty).
pub(crate) type DispatchFn<'a> = Function<'a, DispatchArgs, ()>;

thread_local! {
    /// This JavaScript thread's async context for direct calls (null until the first
    /// direct function of the thread is made; destroyed with the thread's environment).
    static ASYNC: Cell<sys::napi_async_context> = const { Cell::new(ptr::null_mut()) };
}

/// The dispatch function of one server, callable on its own thread.
pub(crate) struct DirectFn {
    env: RawEnv,
    func: FunctionRef<DispatchArgs, ()>,
    thread: ThreadId,
}

/// The environment of the thread that made a [`DirectFn`]: used on that thread only.
struct RawEnv(sys::napi_env);

// SAFETY: the pointer is only handed to napi on the thread that made it (`DirectFn::call`
// checks the thread first).
unsafe impl Send for RawEnv {}
// SAFETY: as above.
unsafe impl Sync for RawEnv {}

impl DirectFn {
    /// Keeps a reference to `dispatch` for calls on this thread (the calling JavaScript
    /// thread, inside a native call).
    pub fn new(dispatch: &DispatchFn<'_>) -> napi::Result<DirectFn> {
        let env = dispatch.value().env;
        if ASYNC.get().is_null() {
            let mut context = ptr::null_mut();
            let napi_env = Env::from_raw(env);
            let name = napi_env.create_string("mcpforge.handler")?;
            // SAFETY: on the JavaScript thread of `env`, inside a native call (a handle
            // scope is open); a null resource makes napi create an empty one.
            let status = unsafe { sys::napi_async_init(env, ptr::null_mut(), name.raw(), &mut context) };
            if status != sys::Status::napi_ok {
                return Err(napi::Error::from_reason("napi_async_init failed"));
            }
            ASYNC.set(context);
            napi_env.add_env_cleanup_hook(env as usize, |env| {
                let context = ASYNC.replace(ptr::null_mut());
                if !context.is_null() {
                    // SAFETY: the environment's cleanup runs on its own thread, and the
                    // context was made there and is destroyed once.
                    unsafe { sys::napi_async_destroy(env as sys::napi_env, context) };
                }
            })?;
        }
        Ok(DirectFn { env: RawEnv(env), func: dispatch.create_ref()?, thread: std::thread::current().id() })
    }

    /// Whether a call may be made directly now: on the function's own thread, while its
    /// event loop polls the engine's tasks.
    pub fn here(&self) -> bool {
        crate::event_loop::polling() && std::thread::current().id() == self.thread && !ASYNC.get().is_null()
    }

    /// Calls the function with `args` now (only when [`DirectFn::here`]); an error when the
    /// call could not be made (the function gone, a value that could not be made). An
    /// exception escaping the function goes to the process's `uncaughtException`, as from
    /// the thread-safe function.
    pub fn call(&self, args: (u32, String, u32)) -> napi::Result<()> {
        let env = self.env.0;
        let mut scope = ptr::null_mut();
        // SAFETY: on the environment's own thread (`here`), in a libuv callback: a handle
        // scope is opened for the values made below and closed after the call.
        if unsafe { sys::napi_open_handle_scope(env, &mut scope) } != sys::Status::napi_ok {
            return Err(napi::Error::from_reason("no handle scope could be opened"));
        }
        let called = self.make_callback(env, args);
        // SAFETY: the scope opened above, on the same thread.
        unsafe { sys::napi_close_handle_scope(env, scope) };
        called
    }

    fn make_callback(&self, env: sys::napi_env, (handler, payload, call): (u32, String, u32)) -> napi::Result<()> {
        let napi_env = Env::from_raw(env);
        let func = self.func.borrow_back(&napi_env)?;
        // SAFETY: values made in the handle scope `call` opened, on the environment's thread.
        let argv = unsafe {
            [
                ToNapiValue::to_napi_value(env, handler)?,
                ToNapiValue::to_napi_value(env, payload)?,
                ToNapiValue::to_napi_value(env, call)?,
            ]
        };
        let mut recv = ptr::null_mut();
        let mut result = ptr::null_mut();
        // SAFETY: as above; `argv` holds three values of this scope, `recv` is the global object
        // (napi_make_callback wants an object), and the async context is this thread's
        // (`here` checked it is made).
        let status = unsafe {
            sys::napi_get_global(env, &mut recv);
            sys::napi_make_callback(env, ASYNC.get(), recv, func.value().value, argv.len(), argv.as_ptr(), &mut result)
        };
        if status == sys::Status::napi_pending_exception {
            let mut error = ptr::null_mut();
            // SAFETY: an exception is pending on this thread's environment: it is taken and
            // raised as uncaught, where the thread-safe function would have left it.
            unsafe {
                sys::napi_get_and_clear_last_exception(env, &mut error);
                sys::napi_fatal_exception(env, error);
            }
        } else if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason(format!("napi_make_callback failed ({status})")));
        }
        Ok(())
    }
}
