@echo off
rem gradpack: check and pack the folder this file is in (or the folder
rem dropped onto it).  Finds gradpack.exe beside this file, in a
rem gradpack-*-windows-x64 folder beside this folder, on the Desktop or
rem in Downloads.
chcp 65001 >nul
setlocal
set "HERE=%~dp0"
set "EXE="
if exist "%HERE%gradpack.exe" set "EXE=%HERE%gradpack.exe"
if not defined EXE for /d %%D in ("%HERE%..\gradpack-*-windows-x64" "%HERE%..\..\gradpack-*-windows-x64" "%USERPROFILE%\Desktop\gradpack-*-windows-x64" "%USERPROFILE%\Downloads\gradpack-*-windows-x64") do if exist "%%~D\gradpack.exe" set "EXE=%%~D\gradpack.exe"
rem (the same without quotes: Wine's cmd matches wildcards only there)
if not defined EXE for /d %%D in (%HERE%..\gradpack-*-windows-x64 %HERE%..\..\gradpack-*-windows-x64 %USERPROFILE%\Desktop\gradpack-*-windows-x64 %USERPROFILE%\Downloads\gradpack-*-windows-x64) do if exist "%%~fD\gradpack.exe" set "EXE=%%~fD\gradpack.exe"
if not defined EXE (
  echo 找不到 gradpack.exe。请把解压出的 gradpack 文件夹放在桌面、下载文件夹，或和本文件夹放在同一个位置。
  pause
  exit /b 2
)
if "%~1"=="" (set "DATA=%HERE%.") else (set "DATA=%~1")
"%EXE%" drop "%DATA%" --wait
exit /b %ERRORLEVEL%
